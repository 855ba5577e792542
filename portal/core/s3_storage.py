"""S3-compatible storage (django-storages) that records saves like the local
one (portal/core/storage.py). A module of its own so that boto3 is imported
only where S3 is configured."""

from storages.backends.s3 import S3Storage

from portal.core.storage import SaveRecordingMixin


class RecordingS3Storage(SaveRecordingMixin, S3Storage):
    """Objects in an S3-compatible bucket."""
