"""moto_server for tests/s3_moto_test.sh, with one fix to its signature check.

moto rebuilds the request URL from werkzeug, which has already decoded the
query string ("prefix=a%2F" arrives as "prefix=a/"), and then canonicalises
the query without re-encoding it. Any ListObjectsV2 with a '/' in prefix,
delimiter or continuation token then fails with SignatureDoesNotMatch, for
boto3 as well (getmoto/moto issue #5948). AWS's canonical query string
URI-encodes every name and value (SigV4 docs, "Create a canonical request"),
so the check is patched to do exactly that; signature verification stays on
and is, if anything, stricter than before.
"""
import os
import sys
import urllib.parse

from botocore.auth import SigV4Auth


def _canonical_query_string_url(self, parts):
    if not parts.query:
        return ""
    pairs = []
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        enc = lambda s: urllib.parse.quote(urllib.parse.unquote(s), safe="-_.~")
        pairs.append((enc(key), enc(value)))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


SigV4Auth._canonical_query_string_url = _canonical_query_string_url


def _seed(spec):
    """FC_S3_SEED="BUCKET/PREFIX=DIR;...": every file under DIR becomes the
    object PREFIX + its path under DIR, put straight into moto's S3 backend
    before the server starts. Hundreds of objects then cost no signed
    requests (s3_moto_test spent about a third of its time uploading)."""
    import os
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    for item in filter(None, spec.split(";")):
        where, _, top = item.partition("=")
        bucket, _, prefix = where.partition("/")
        if bucket not in s3.buckets:
            s3.create_bucket(bucket, "us-east-1")
        for root, _, files in os.walk(top):
            for f in sorted(files):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    s3.put_object(bucket, prefix + os.path.relpath(path, top), fh.read())


if os.environ.get("FC_S3_SEED"):
    _seed(os.environ["FC_S3_SEED"])

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
