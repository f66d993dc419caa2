/* test_aws: the credential chain and region resolution in the AWS CLI's
 * order (environment, --profile/AWS_PROFILE in the credentials file, then
 * the config file's "[profile x]"), endpoints, and which AWS error bodies
 * count as throttling. Instance metadata is disabled throughout
 * (AWS_EC2_METADATA_DISABLED=true), so nothing here leaves the machine;
 * container and IMDS credentials are exercised against a local server by
 * tests/enrich_faults_test.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws.h"
#include "http.h"
#include "util.h"

static int failures;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: FAIL %s\n", __FILE__, __LINE__, #cond);   \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static char dir[] = "/tmp/fc_aws_XXXXXX";
static char credf[256], conff[256];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static void clean_env(void)
{
    static const char *const vars[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_EC2", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_MAX_ATTEMPTS",
    };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", credf, 1);
    setenv("AWS_CONFIG_FILE", conff, 1);
}

static int load(aws_config *c, const char *region, const char *profile, char *err)
{
    return aws_config_load(c, region, profile, NULL, 0, err, FC_ERRLEN);
}

static void chain(void)
{
    write_file(credf,
               "# comment\n"
               "[default]\n"
               "aws_access_key_id = AKIDDEFAULT\n"
               "aws_secret_access_key = secret-default\n"
               "\n"
               "[dev]\n"
               "aws_access_key_id=AKIDDEV\n"
               "aws_secret_access_key=secret-dev\n"
               "aws_session_token = token-dev\n"
               "[half]\n"
               "aws_access_key_id = AKIDHALF\n");
    write_file(conff,
               "[default]\n"
               "region = eu-west-1\n"
               "[profile dev]\n"
               "region = us-west-2\n"
               "s3 =\n"
               "  region = nested-ignored\n"
               "[profile cfgonly]\n"
               "aws_access_key_id = AKIDCFG\n"
               "aws_secret_access_key = secret-cfg\n"
               "region = ap-south-1\n"
               "[profile assumed]\n"
               "role_arn = arn:aws:iam::123456789012:role/x\n"
               "source_profile = default\n");
    aws_config c;
    char err[FC_ERRLEN];

    /* No env: the default profile, its region from the config file. */
    clean_env();
    CHECK(load(&c, NULL, NULL, err) == 0);
    CHECK(strcmp(c.access_key, "AKIDDEFAULT") == 0 && strcmp(c.secret_key, "secret-default") == 0);
    CHECK(strcmp(c.region, "eu-west-1") == 0);
    CHECK(strcmp(c.cred_source, "shared credentials file") == 0);
    CHECK(c.session_token[0] == '\0');

    /* Environment keys beat the profile files; AWS_REGION beats the file. */
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
    setenv("AWS_SESSION_TOKEN", "token-env", 1);
    setenv("AWS_DEFAULT_REGION", "ca-central-1", 1);
    CHECK(load(&c, NULL, NULL, err) == 0);
    CHECK(strcmp(c.access_key, "AKIDENV") == 0 && strcmp(c.session_token, "token-env") == 0);
    CHECK(strcmp(c.region, "ca-central-1") == 0);
    setenv("AWS_REGION", "sa-east-1", 1);
    CHECK(load(&c, NULL, NULL, err) == 0 && strcmp(c.region, "sa-east-1") == 0);
    /* --region beats everything. */
    CHECK(load(&c, "us-east-2", NULL, err) == 0 && strcmp(c.region, "us-east-2") == 0);
    /* AWS_PROFILE does not beat environment keys (AWS CLI order)... */
    setenv("AWS_PROFILE", "dev", 1);
    CHECK(load(&c, NULL, NULL, err) == 0 && strcmp(c.access_key, "AKIDENV") == 0);
    /* ...but an explicit --profile does. */
    CHECK(load(&c, NULL, "dev", err) == 0);
    CHECK(strcmp(c.access_key, "AKIDDEV") == 0 && strcmp(c.session_token, "token-dev") == 0);
    CHECK(strcmp(c.region, "sa-east-1") == 0); /* AWS_REGION still beats the profile's region */
    aws_config_clear(&c);
    CHECK(c.secret_key[0] == '\0' && c.session_token[0] == '\0');

    /* AWS_PROFILE alone selects the profile; its region from [profile dev]. */
    clean_env();
    setenv("AWS_PROFILE", "dev", 1);
    CHECK(load(&c, NULL, NULL, err) == 0);
    CHECK(strcmp(c.access_key, "AKIDDEV") == 0 && strcmp(c.region, "us-west-2") == 0);

    /* Keys only in the config file. */
    clean_env();
    CHECK(load(&c, NULL, "cfgonly", err) == 0);
    CHECK(strcmp(c.access_key, "AKIDCFG") == 0 && strcmp(c.region, "ap-south-1") == 0);
    CHECK(strcmp(c.cred_source, "config file") == 0);

    /* Errors say what is wrong and what to do. */
    CHECK(load(&c, NULL, "nope", err) == -1 && strstr(err, "profile 'nope' not found in "));
    CHECK(load(&c, NULL, "half", err) == -1 && strstr(err, "has aws_access_key_id but not aws_secret_access_key"));
    CHECK(load(&c, "us-east-1", "assumed", err) == -1 && strstr(err, "uses role_arn") &&
          strstr(err, "aws configure export-credentials"));
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    CHECK(load(&c, NULL, NULL, err) == -1 && strstr(err, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
    CHECK(load(&c, "US_EAST_1", "dev", err) == -1 && strstr(err, "is not an AWS region name"));

    /* Nothing anywhere (and IMDS disabled): one clear line. */
    clean_env();
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    CHECK(load(&c, NULL, NULL, err) == -1 && strstr(err, "no AWS credentials found"));
    /* No region anywhere. */
    unsetenv("AWS_REGION");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
    CHECK(load(&c, NULL, NULL, err) == -1 && strstr(err, "no AWS region"));
    /* The error never carries the secret. */
    CHECK(!strstr(err, "secret-env"));
}

static void endpoints(void)
{
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
    aws_config c;
    char err[FC_ERRLEN], url[600];
    CHECK(load(&c, "eu-central-1", NULL, err) == 0);
    CHECK(aws_endpoint(&c, "ec2", url, sizeof url, err, sizeof err) == 0);
    CHECK(strcmp(url, "https://ec2.eu-central-1.amazonaws.com") == 0);
    CHECK(load(&c, "cn-north-1", NULL, err) == 0);
    CHECK(aws_endpoint(&c, "ec2", url, sizeof url, err, sizeof err) == 0);
    CHECK(strcmp(url, "https://ec2.cn-north-1.amazonaws.com.cn") == 0);

    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
    CHECK(load(&c, "us-east-1", NULL, err) == 0);
    CHECK(aws_endpoint(&c, "ec2", url, sizeof url, err, sizeof err) == 0 && strcmp(url, "http://127.0.0.1:4566") == 0);
    setenv("AWS_ENDPOINT_URL_EC2", "https://ec2.internal.example", 1);
    CHECK(aws_endpoint(&c, "ec2", url, sizeof url, err, sizeof err) == 0 && strcmp(url, "https://ec2.internal.example") == 0);
    CHECK(aws_endpoint(&c, "s3", url, sizeof url, err, sizeof err) == 0 && strcmp(url, "http://127.0.0.1:4566") == 0);
    /* --endpoint-url beats both. */
    CHECK(aws_config_load(&c, "us-east-1", NULL, "http://localhost:9", 0, err, sizeof err) == 0);
    CHECK(aws_endpoint(&c, "ec2", url, sizeof url, err, sizeof err) == 0 && strcmp(url, "http://localhost:9") == 0);
    http_opts o;
    aws_http_opts(&c, url, "x", &o);
    CHECK(o.allow_http);
    aws_http_opts(&c, "https://ec2.us-east-1.amazonaws.com/", "x", &o);
    CHECK(!o.allow_http);
    CHECK(aws_config_load(&c, "us-east-1", NULL, "ftp://x", 0, err, sizeof err) == 0);
    CHECK(aws_endpoint(&c, "ec2", url, sizeof url, err, sizeof err) == -1 && strstr(err, "must start with https://"));

    setenv("AWS_MAX_ATTEMPTS", "2", 1);
    CHECK(load(&c, "us-east-1", NULL, err) == 0 && c.max_attempts == 2);
    char m[64];
    aws_mask_key("AKIAIOSFODNN7EXAMPLE", m, sizeof m);
    CHECK(strcmp(m, "****************MPLE") == 0);
}

static void retryable(void)
{
    CHECK(http_is_retryable_body("<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>"));
    CHECK(http_is_retryable_body("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"));
    CHECK(http_is_retryable_body("<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"));
    CHECK(!http_is_retryable_body("<Response><Errors><Error><Code>AuthFailure</Code></Error></Errors></Response>"));
    /* CloudWatch Logs (JSON 1.1), bare and namespace-qualified (issue 13) */
    CHECK(http_is_retryable_body("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"));
    CHECK(http_is_retryable_body("{\"__type\":\"com.amazonaws.logs#ThrottlingException\",\"message\":\"Rate exceeded\"}"));
    CHECK(!http_is_retryable_body("{\"__type\":\"com.amazonaws.logs#ResourceNotFoundException\",\"message\":\"x\"}"));
    CHECK(!http_is_retryable_body("<Response><Errors><Error><Code>UnauthorizedOperation</Code></Error></Errors></Response>"));
    CHECK(!http_is_retryable_body(NULL));
    CHECK(strncmp(http_lib_version(), "libcurl/", 8) == 0);
    /* Plain http is refused unless allowed, before any connection. */
    http_opts o = {.max_attempts = 1};
    http_request rq = {.method = "GET", .url = "http://127.0.0.1:9/"};
    http_response r;
    char err[FC_ERRLEN];
    CHECK(http_do(&rq, &o, &r, err, sizeof err) == -1 && strstr(err, "only https:// is allowed"));
    http_response_free(&r);
    const char *v = enrich_lib_versions();
    CHECK(strstr(v, "libcurl/") && strstr(v, "OpenSSL/") && strstr(v, "cJSON/") && strstr(v, "libxml2/"));
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(credf, sizeof credf, "%s/credentials", dir);
    snprintf(conff, sizeof conff, "%s/config", dir);
    chain();
    endpoints();
    retryable();
    unlink(credf);
    unlink(conff);
    rmdir(dir);
    printf("test_aws: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
