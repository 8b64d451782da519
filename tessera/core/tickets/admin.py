from django.contrib import admin

from .models import Category, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "project", "is_active", "auto_assign")
    list_select_related = ("project",)
    list_filter = ("is_active", "auto_assign")
    search_fields = ("name", "slug")
    filter_horizontal = ("agents",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "color")
    list_select_related = ("project",)  # nullable: Django's default select_related skips it
    search_fields = ("name",)
