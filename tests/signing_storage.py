"""A local storage that signs URLs the way django-storages' S3 backend
does (`url(name, parameters=..., expire=...)`), for testing signed-URL
downloads without a bucket."""

import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

from django.core.files.storage import FileSystemStorage

SIGNING_KEY = b"test-signing-key"
BASE = "https://bucket.example.test/"


class SigningStorage(FileSystemStorage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        query = {"X-Amz-Expires": str(expire), "X-Amz-Date": str(int(time.time()))}
        if parameters:
            query.update(
                {
                    "response-content-disposition": parameters["ResponseContentDisposition"],
                    "response-content-type": parameters["ResponseContentType"],
                }
            )
        unsigned = f"{BASE}{quote(name)}?{urlencode(sorted(query.items()))}"
        signature = hmac.new(SIGNING_KEY, unsigned.encode(), hashlib.sha256).hexdigest()
        return f"{unsigned}&X-Amz-Signature={signature}"
