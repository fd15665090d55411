"""Uploads refused while they arrive, not after they were spooled to disk.

``RefusingUploadHandler`` runs before Django's own handlers (``FILE_UPLOAD_HANDLERS``):

- a file part in a request without a signed-in user is not read at all: the upload stops
  at the part's headers (an anonymous 300 MiB POST to /login/ writes nothing to /tmp);
- a file larger than ``LOG_UPLOAD_MAX_BYTES`` stops the upload as soon as the limit is
  passed. The request then carries a ``RefusedUpload`` in place of the file (see
  ``journal.middleware.RefusedUploadMiddleware``) whose size the form checks, so the person
  sees the limit next to the file field.
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class RefusedUpload(UploadedFile):
    """Stands for a file that was refused while it arrived: no content, the bytes seen so far."""

    def __init__(self, name: str, size: int):
        super().__init__(BytesIO(b""), name=name, content_type="application/octet-stream", size=size)


class RefusingUploadHandler(FileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            raise StopUpload(connection_reset=True)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.LOG_UPLOAD_MAX_BYTES:
            self.request.refused_uploads = {self.field_name: RefusedUpload(self.file_name, self.received)}
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file
