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

from moto.server import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
