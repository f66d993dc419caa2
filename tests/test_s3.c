/* test_s3: the pure parts of s3 inputs — URL parsing, the ListObjectsV2 XML
 * hand parser (entities, pagination fields, CommonPrefixes, attributes),
 * error documents, and the plan of day prefixes for a --since/--until
 * window in the S3 delivery layout (plain and Hive-style). Expected values
 * are worked out by hand from AWS's documented formats. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "s3.h"
#include "util.h"

int main(void)
{
    char *b = NULL, *p = NULL;
    char err[FC_ERRLEN];
    CHECK(s3_parse_url("s3://my-flow-logs/AWSLogs/123/", &b, &p, err, sizeof err) == 0);
    CHECK_STR(b, "my-flow-logs");
    CHECK_STR(p, "AWSLogs/123/");
    free(b);
    free(p);
    CHECK(s3_parse_url("s3://bucket", &b, &p, err, sizeof err) == 0);
    CHECK_STR(b, "bucket");
    CHECK_STR(p, "");
    free(b);
    free(p);
    CHECK(s3_parse_url("s3://Upper/x", &b, &p, err, sizeof err) == -1);
    CHECK(strstr(err, "invalid bucket name") != NULL);
    CHECK(s3_parse_url("s3://ab/x", &b, &p, err, sizeof err) == -1);
    CHECK(s3_parse_url("http://b/x", &b, &p, err, sizeof err) == -1);

    /* A page in the shape of the S3 API reference's ListObjectsV2 example. */
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Name>bucket</Name><Prefix>AWSLogs/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>"
        "<IsTruncated>true</IsTruncated>"
        "<Contents><Key>AWSLogs/a&amp;b/x&lt;1&gt;.log.gz</Key><LastModified>2026-11-20T00:05:00.000Z</LastModified>"
        "<ETag>&quot;abc&quot;</ETag><Size>12345</Size><StorageClass>STANDARD</StorageClass></Contents>"
        "<Contents><Key>AWSLogs/caf&#233;/&#x20AC;.gz</Key><Size>0</Size></Contents>"
        "<CommonPrefixes><Prefix>AWSLogs/111122223333/</Prefix></CommonPrefixes>"
        "<CommonPrefixes><Prefix>AWSLogs/444455556666/</Prefix></CommonPrefixes>"
        "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
        "<StartAfter/></ListBucketResult>";
    s3_list_page pg;
    CHECK(s3_parse_list(xml, strlen(xml), &pg, err, sizeof err) == 0);
    CHECK(pg.n_objs == 2);
    if (pg.n_objs == 2) {
        CHECK_STR(pg.objs[0].key, "AWSLogs/a&b/x<1>.log.gz");
        CHECK(pg.objs[0].size == 12345);
        CHECK_STR(pg.objs[1].key, "AWSLogs/caf\xc3\xa9/\xe2\x82\xac.gz");
        CHECK(pg.objs[1].size == 0);
    }
    CHECK(pg.n_prefixes == 2);
    if (pg.n_prefixes == 2) {
        CHECK_STR(pg.prefixes[0], "AWSLogs/111122223333/");
        CHECK_STR(pg.prefixes[1], "AWSLogs/444455556666/");
    }
    CHECK(pg.truncated);
    CHECK_STR(pg.next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    s3_list_page_free(&pg);

    const char *last = "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
                       "<IsTruncated>false</IsTruncated></ListBucketResult>";
    CHECK(s3_parse_list(last, strlen(last), &pg, err, sizeof err) == 0);
    CHECK(pg.n_objs == 0 && !pg.truncated && pg.next_token == NULL);
    s3_list_page_free(&pg);
    const char *bad = "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>";
    CHECK(s3_parse_list(bad, strlen(bad), &pg, err, sizeof err) == -1);
    CHECK(strstr(err, "NextContinuationToken") != NULL);
    CHECK(s3_parse_list("<html>", 6, &pg, err, sizeof err) == -1);
    /* Cut in the middle of an element: refused or parsed partially, never read past the end. */
    CHECK(s3_parse_list(xml, 200, &pg, err, sizeof err) == -1);

    const char *exml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
                       "<Message>The specified bucket does not exist</Message><BucketName>nope</BucketName>"
                       "<RequestId>4442587FB7D0A2F9</RequestId></Error>";
    char code[64], msg[256], rid[64];
    s3_parse_error(exml, strlen(exml), code, sizeof code, msg, sizeof msg, rid, sizeof rid);
    CHECK_STR(code, "NoSuchBucket");
    CHECK_STR(msg, "The specified bucket does not exist");
    CHECK_STR(rid, "4442587FB7D0A2F9");
    s3_parse_error("", 0, code, sizeof code, msg, sizeof msg, rid, sizeof rid);
    CHECK_STR(code, "");

    /* Addressing. */
    s3_addr ad;
    CHECK(s3_address("flow-logs", "eu-west-1", "", &ad, err, sizeof err) == 0);
    CHECK_STR(ad.base, "https://flow-logs.s3.eu-west-1.amazonaws.com");
    CHECK_STR(ad.host, "flow-logs.s3.eu-west-1.amazonaws.com");
    CHECK(!ad.path_style && !ad.allow_http);
    CHECK(s3_address("logs.example.com", "us-east-2", NULL, &ad, err, sizeof err) == 0);
    CHECK_STR(ad.base, "https://s3.us-east-2.amazonaws.com/logs.example.com");
    CHECK_STR(ad.host, "s3.us-east-2.amazonaws.com");
    CHECK(ad.path_style);
    CHECK(s3_address("b1b", "cn-north-1", "", &ad, err, sizeof err) == 0);
    CHECK_STR(ad.host, "b1b.s3.cn-north-1.amazonaws.com.cn");
    CHECK(s3_address("b1b", "", "", &ad, err, sizeof err) == 0);
    CHECK_STR(ad.host, "b1b.s3.us-east-1.amazonaws.com");
    CHECK(s3_address("b1b", "us-east-1", "http://127.0.0.1:5000/", &ad, err, sizeof err) == 0);
    CHECK_STR(ad.base, "http://127.0.0.1:5000/b1b");
    CHECK_STR(ad.host, "127.0.0.1:5000");
    CHECK(ad.path_style && ad.allow_http);
    CHECK(s3_address("b1b", "us-east-1", "https://minio.internal:443", &ad, err, sizeof err) == 0);
    CHECK_STR(ad.host, "minio.internal");
    CHECK_STR(ad.base, "https://minio.internal/b1b");
    CHECK(!ad.allow_http);
    CHECK(s3_address("b1b", "us-east-1", "ftp://x", &ad, err, sizeof err) == -1);
    CHECK(s3_address("b1b", "us-east-1", "https://user:pw@x", &ad, err, sizeof err) == -1);
    CHECK(strstr(err, "pw") == NULL);

    /* Levels of the delivery layout. */
    CHECK(s3_classify_prefix("") == S3_LVL_OTHER);
    CHECK(s3_classify_prefix("logs/") == S3_LVL_OTHER);
    CHECK(s3_classify_prefix("logs/AWSLogs/") == S3_LVL_ACCOUNTS);
    CHECK(s3_classify_prefix("AWSLogs/123456789012/") == S3_LVL_SERVICES);
    CHECK(s3_classify_prefix("AWSLogs/123456789012/vpcflowlogs/") == S3_LVL_REGIONS);
    CHECK(s3_classify_prefix("AWSLogs/123456789012/vpcflowlogs/eu-west-1/") == S3_LVL_DAYS);
    CHECK(s3_classify_prefix("AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=us-east-1/") == S3_LVL_DAYS);
    CHECK(s3_classify_prefix("AWSLogs/123456789012/CloudTrail/") == S3_LVL_FULL);
    CHECK(s3_classify_prefix("AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/") == S3_LVL_FULL);
    CHECK(s3_classify_prefix("AWSLogs/1") == S3_LVL_FULL);

    /* Window [2025-11-20T00:00Z, 2025-11-22T00:00Z): records can sit in
     * files named up to an hour either side, so 11-19 .. 11-22. */
    size_t n;
    char **d = s3_day_prefixes("AWSLogs/1/vpcflowlogs/us-east-1/", 1763596800, 1763769600, &n);
    CHECK(d && n == 4);
    if (d && n == 4) {
        CHECK_STR(d[0], "AWSLogs/1/vpcflowlogs/us-east-1/2025/11/19/");
        CHECK_STR(d[1], "AWSLogs/1/vpcflowlogs/us-east-1/2025/11/20/");
        CHECK_STR(d[3], "AWSLogs/1/vpcflowlogs/us-east-1/2025/11/22/");
    }
    for (size_t i = 0; d && i < n; i++) free(d[i]);
    free(d);
    /* Mid-day window 2025-12-31T06:00Z .. 2026-01-01T12:00Z: no margin day
     * needed on either side, and the year turns over. */
    d = s3_day_prefixes("x/aws-region=eu-west-1/", 1767160800, 1767268800, &n);
    CHECK(d && n == 2);
    if (d && n == 2) {
        CHECK_STR(d[0], "x/aws-region=eu-west-1/year=2025/month=12/day=31/");
        CHECK_STR(d[1], "x/aws-region=eu-west-1/year=2026/month=01/day=01/");
    }
    for (size_t i = 0; d && i < n; i++) free(d[i]);
    free(d);
    CHECK(s3_day_prefixes("r/", 0, 1767268800, &n) == NULL);
    CHECK(s3_day_prefixes("r/", 1, 401LL * 86400 + 2, &n) == NULL);
    return check_done();
}
