"""Backup and restore round trip: dump, wipe, restore, same data (both engines)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tessera.core.projects.services import project_create
from tessera.core.tickets.models import Attachment, Ticket
from tessera.core.tickets.services import attachment_add, comment_add, ticket_create


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_the_same_data(make_user, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = make_user(is_superuser=True)
    project = project_create(actor=owner, template="servicedesk", key="BAK", name="Backup")
    tickets = [
        ticket_create(actor=owner, project=project, title=f"Ticket {i}", description="d")
        for i in range(3)
    ]
    comment_add(actor=owner, ticket=tickets[0], body="hello")
    attachment_add(
        actor=owner, ticket=tickets[1], upload=SimpleUploadedFile("log.txt", b"log content")
    )
    before = sorted(Ticket.objects.values_list("number", "title"))
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    assert archive.stat().st_size > 0

    # wipe: database and files
    call_command("flush", interactive=False)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert Ticket.objects.count() == 0

    call_command("restore", str(archive), yes=True)
    assert sorted(Ticket.objects.values_list("number", "title")) == before
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"log content"
    assert attachment.filename == "log.txt"
