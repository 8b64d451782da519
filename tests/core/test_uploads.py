"""Uploads stay inside the data dir under generated names, bounded in size and by free disk."""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tessera.core.common.errors import StorageFull, ValidationFailed
from tessera.core.projects.services import project_create
from tessera.core.tickets.models import Attachment
from tessera.core.tickets.services import attachment_add, ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = make_user(is_superuser=True)
    project = project_create(actor=owner, template="servicedesk", key="UPL", name="Uploads")
    return owner, ticket_create(actor=owner, project=project, title="Files", description="d")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a/../../b.txt", "x" * 400]
)
def test_hostile_filenames_stay_inside_the_data_dir(ticket, settings, name):
    owner, t = ticket
    attachment = attachment_add(
        actor=owner, ticket=t, upload=SimpleUploadedFile(name, b"data"), filename=name
    )
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name
    assert "/" not in attachment.filename and "\\" not in attachment.filename
    assert stored.read_bytes() == b"data"


def test_size_limit(ticket, settings):
    owner, t = ticket
    settings.TESSERA_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationFailed):
        attachment_add(actor=owner, ticket=t, upload=SimpleUploadedFile("a.bin", b"x" * 11))
    assert Attachment.objects.count() == 0


def test_uploads_refused_when_the_disk_is_nearly_full(ticket, monkeypatch, settings):
    owner, t = ticket
    usage = namedtuple("usage", "total used free")
    settings.TESSERA_MIN_FREE_DISK_BYTES = 1000
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10_000, 9_500, 500))
    with pytest.raises(StorageFull):
        attachment_add(actor=owner, ticket=t, upload=SimpleUploadedFile("a.txt", b"hello"))
    assert Attachment.objects.count() == 0
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.txt"))
