/* test_s3_xml: ListObjectsV2 pages and S3 error bodies read with libxml2
 * (enrich/xml.c) — what a real XML parser gets right that the old scanner
 * of five element names did not (a namespace prefix, CDATA, comments,
 * character references), a listing followed over its continuation tokens,
 * error documents in both S3's and the query APIs' shapes, and malformed
 * documents refused with one line. Cases are rows; expected values are
 * read off the XML by hand. */
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "check.h"
#include "s3.h"
#include "util.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

static void pages(void)
{
    static const struct {
        const char *xml;
        size_t n_objs;
        const char *key0;       /* first key (NULL: none) */
        unsigned long long size0;
        size_t n_prefixes;
        const char *prefix0;
        bool truncated;
        const char *token;      /* NULL: none */
    } rows[] = {
        /* Page 1 of 2: truncated, with the token of page 2. */
        {HEAD "<ListBucketResult" NS "><Name>b</Name><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"
              "<Contents><Key>logs/a.log.gz</Key><Size>100</Size></Contents>"
              "<Contents><Key>logs/b.log.gz</Key><Size>200</Size></Contents>"
              "<NextContinuationToken>tok/2+&amp;=</NextContinuationToken></ListBucketResult>",
         2, "logs/a.log.gz", 100, 0, NULL, true, "tok/2+&="},
        /* Page 2 of 2: the last. */
        {HEAD "<ListBucketResult" NS "><ContinuationToken>tok/2+&amp;=</ContinuationToken>"
              "<IsTruncated>false</IsTruncated><Contents><Key>logs/c.log.gz</Key><Size>300</Size></Contents>"
              "</ListBucketResult>",
         1, "logs/c.log.gz", 300, 0, NULL, false, NULL},
        /* A namespace prefix on every element. */
        {"<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:IsTruncated>false</s3:IsTruncated>"
         "<s3:Contents><s3:Key>k1</s3:Key><s3:Size>7</s3:Size></s3:Contents></s3:ListBucketResult>",
         1, "k1", 7, 0, NULL, false, NULL},
        /* CDATA and a comment inside a key; a character reference. */
        {"<ListBucketResult><Contents><Key><![CDATA[a<b>&c]]></Key><Size>1</Size></Contents>"
         "<Contents><Key>x<!-- note -->y&#x2F;z</Key><Size>2</Size></Contents></ListBucketResult>",
         2, "a<b>&c", 1, 0, NULL, false, NULL},
        /* A delimiter listing: prefixes only; an Owner's nested ID is not a Key. */
        {"<ListBucketResult><CommonPrefixes><Prefix>AWSLogs/1/</Prefix></CommonPrefixes>"
         "<CommonPrefixes><Prefix>AWSLogs/2/</Prefix></CommonPrefixes>"
         "<Contents><Owner><ID>o</ID></Owner><Key>AWSLogs/</Key><Size>0</Size></Contents></ListBucketResult>",
         1, "AWSLogs/", 0, 2, "AWSLogs/1/", false, NULL},
        /* An empty bucket. */
        {"<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>",
         0, NULL, 0, 0, NULL, false, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        s3_list_page pg;
        char err[FC_ERRLEN] = "";
        int rc = s3_parse_list(rows[i].xml, strlen(rows[i].xml), &pg, err, sizeof err);
        if (rc != 0) fprintf(stderr, "page row %zu: %s\n", i, err);
        CHECK(rc == 0);
        if (rc != 0) continue;
        CHECK(pg.n_objs == rows[i].n_objs);
        if (rows[i].key0 && pg.n_objs) {
            CHECK_STR(pg.objs[0].key, rows[i].key0);
            CHECK(pg.objs[0].size == rows[i].size0);
        }
        CHECK(pg.n_prefixes == rows[i].n_prefixes);
        if (rows[i].prefix0 && pg.n_prefixes) CHECK_STR(pg.prefixes[0], rows[i].prefix0);
        CHECK(pg.truncated == rows[i].truncated);
        if (rows[i].token) CHECK_STR(pg.next_token, rows[i].token);
        else CHECK(pg.next_token == NULL);
        if (i == 3 && pg.n_objs == 2) CHECK_STR(pg.objs[1].key, "xy/z");
        s3_list_page_free(&pg);
    }
}

static void refused(void)
{
    static const struct {
        const char *xml;
        const char *want;   /* in the one-line message */
    } rows[] = {
        {"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>", "NextContinuationToken"},
        {"<ListBucketResult><Contents><Key>a</Key>", "malformed XML at line 1"},
        {"<ListBucketResult>\n<Contents><Key>a</Contents></ListBucketResult>", "malformed XML at line 2"},
        {"", "malformed XML"},
        {"<html><body>Bad Gateway</body></html>", "not a ListBucketResult"},
        {"<Error><Code>AccessDenied</Code></Error>", "not a ListBucketResult"},
        {"<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>", "without a Key"},
        {"<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\">]><ListBucketResult><Contents><Key>&a;</Key>"
         "</Contents></ListBucketResult>",
         "DOCTYPE"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        s3_list_page pg;
        char err[FC_ERRLEN] = "";
        CHECK(s3_parse_list(rows[i].xml, strlen(rows[i].xml), &pg, err, sizeof err) == -1);
        if (!strstr(err, rows[i].want)) fprintf(stderr, "refused row %zu: '%s'\n", i, err);
        CHECK(strstr(err, rows[i].want) != NULL);
        CHECK(strchr(err, '\n') == NULL);
    }
}

static void errors(void)
{
    static const struct {
        const char *xml, *code, *msg, *rid;
    } rows[] = {
        {HEAD "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
              "<Key>x</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>",
         "NoSuchKey", "The specified key does not exist.", "4442587FB7D0A2F9"},
        /* Entities decoded, a newline in the message folded. */
        {"<Error><Code>SlowDown</Code><Message>Please &amp; reduce\nyour rate</Message></Error>",
         "SlowDown", "Please & reduce your rate", ""},
        /* The query APIs' shape (STS, EC2). */
        {"<ErrorResponse><Error><Code>ExpiredToken</Code><Message>m</Message></Error><RequestId>r-1</RequestId>"
         "</ErrorResponse>",
         "ExpiredToken", "m", "r-1"},
        {"<Response><Errors><Error><Code>AuthFailure</Code><Message>no</Message></Error></Errors>"
         "<RequestID>r-2</RequestID></Response>",
         "AuthFailure", "no", "r-2"},
        /* Not an error document, or not XML: nothing (the caller says "HTTP 503"). */
        {"<Error><Code>SlowDown</Code>", "", "", ""},
        {"Service Unavailable", "", "", ""},
        {"<ListBucketResult/>", "", "", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char code[64] = "?", msg[256] = "?", rid[64] = "?";
        s3_parse_error(rows[i].xml, strlen(rows[i].xml), code, sizeof code, msg, sizeof msg, rid, sizeof rid);
        CHECK_STR(code, rows[i].code);
        CHECK_STR(msg, rows[i].msg);
        CHECK_STR(rid, rows[i].rid);
    }
}

/* One table of hints for EC2 and S3: a service's own row first, then the
 * rows for any service. */
static void hints(void)
{
    static const struct {
        const char *service, *code, *want;
    } rows[] = {
        {"s3", "NoSuchBucket", "; check the bucket name"},
        {"s3", "AccessDenied", "; the credentials need s3:ListBucket and s3:GetObject"},
        {"s3", "SignatureDoesNotMatch", "; check the AWS credentials"},
        {"ec2", "SignatureDoesNotMatch", "; check the secret access key"},
        {"ec2", "UnauthorizedOperation", "; grant ec2:Describe* to this identity"},
        {"s3", "ExpiredToken", "; the session token has expired: refresh the credentials"},
        {"ec2", "ExpiredToken", "; the session token has expired: refresh the credentials"},
        {"ec2", "NoSuchBucket", ""},
        {"s3", "InternalError", ""},
        {"s3", NULL, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) CHECK_STR(aws_error_hint(rows[i].service, rows[i].code), rows[i].want);
}

int main(void)
{
    hints();
    pages();
    refused();
    errors();
    return check_done();
}
