/* aws: users already have the AWS CLI configured — keys in the environment,
 * a profile in ~/.aws, a task role in ECS, an instance role on EC2 — and
 * expect flowcost to pick up the same identity, in the same order, with no
 * new configuration. This module resolves it once per command into an
 * aws_config and is the only place that touches the secret's source. */
#include "aws.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ec2.h"
#include "http.h"
#include "sigv4.h"
#include "snapshot.h"
#include "util.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int copy_field(char *dst, size_t n, const char *src, const char *what, char *err, size_t errlen)
{
    size_t l = strlen(src);
    if (l >= n) return fc_err(err, errlen, "%s is too long (%zu characters)", what, l);
    memcpy(dst, src, l + 1);
    return 0;
}

static void wipe(char *p, size_t n)
{
    volatile char *v = p;
    while (n--) *v++ = 0;
}

void aws_config_clear(aws_config *c)
{
    wipe(c->secret_key, sizeof c->secret_key);
    wipe(c->session_token, sizeof c->session_token);
}

void aws_mask_key(const char *key, char *buf, size_t n)
{
    size_t l = strlen(key);
    snprintf(buf, n, "****************%s", l > 4 ? key + l - 4 : "");
}

/* ---- ~/.aws files: INI with [section] and key = value ---- */

enum { K_AKID, K_SECRET, K_TOKEN, K_REGION, K_ROLE, K_SSO, K_SSO_SESSION, K_PROCESS, K_WEBID, K_NKEYS };
static const char *const ini_keys[K_NKEYS] = {
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region",
    "role_arn", "sso_start_url", "sso_session", "credential_process", "web_identity_token_file",
};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
    *e = '\0';
    return s;
}

/* Section name as written between brackets, whitespace-normalised:
 * "[ profile  dev ]" → "profile dev". */
static void norm_section(const char *s, size_t n, char *out, size_t outn)
{
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n && k + 1 < outn; i++) {
        if (s[i] == ' ' || s[i] == '\t') {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < outn) out[k++] = ' ';
        space = false;
        out[k++] = s[i];
    }
    out[k] = '\0';
}

/* Look up keys in one of the named sections of an INI file. Values are
 * malloc'd into vals[] (only where still NULL: earlier sources win).
 * Returns 1 when a matching section exists, 0 when not (or no file). */
static int ini_read(const char *path, const char *const *sections, size_t nsec, char **vals)
{
    char *data;
    size_t len;
    if (fc_read_file(path, &data, &len, NULL, 0) < 0) return 0;
    int found = 0;
    bool in = false;
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        bool nested = line[0] == ' ' || line[0] == '\t';
        char *t = trim(line);
        if (*t == '[') {
            char *close = strchr(t, ']');
            char name[256];
            norm_section(t + 1, close ? (size_t)(close - t - 1) : strlen(t + 1), name, sizeof name);
            in = false;
            for (size_t i = 0; i < nsec; i++)
                if (strcmp(name, sections[i]) == 0) in = true;
            if (in) found = 1;
        } else if (in && !nested && *t && *t != '#' && *t != ';') {
            char *eq = strchr(t, '=');
            if (eq) {
                *eq = '\0';
                char *k = trim(t), *v = trim(eq + 1);
                for (int i = 0; i < K_NKEYS; i++)
                    if (!vals[i] && strcmp(k, ini_keys[i]) == 0 && *v) vals[i] = xstrdup(v);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    wipe(data, len);
    free(data);
    return found;
}

static void aws_file(const char *env_name, const char *leaf, char *out, size_t n)
{
    const char *p = env(env_name);
    if (p) {
        if (p[0] == '~' && p[1] == '/' && env("HOME"))
            snprintf(out, n, "%s%s", env("HOME"), p + 1);
        else
            snprintf(out, n, "%s", p);
        return;
    }
    snprintf(out, n, "%s/.aws/%s", env("HOME") ? env("HOME") : ".", leaf);
}

static void free_vals(char **vals)
{
    for (int i = 0; i < K_NKEYS; i++) {
        if (vals[i]) wipe(vals[i], strlen(vals[i]));
        free(vals[i]);
        vals[i] = NULL;
    }
}

/* ---- container and instance credentials (JSON over local HTTP) ---- */

static int creds_from_json(aws_config *c, const char *json, size_t len, const char *what,
                           char *err, size_t errlen)
{
    static const char *const keys[] = {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"};
    char *v[4] = {0};
    char e[FC_ERRLEN];
    int rc = snapshot_json_strings(json, len, keys, v, 4, e, sizeof e);
    if (rc == 0 && (!v[0] || !v[1])) rc = fc_err(e, sizeof e, "no AccessKeyId/SecretAccessKey in the response");
    if (rc == 0) rc = copy_field(c->access_key, sizeof c->access_key, v[0], "access key id", e, sizeof e);
    if (rc == 0) rc = copy_field(c->secret_key, sizeof c->secret_key, v[1], "secret access key", e, sizeof e);
    if (rc == 0 && v[2]) rc = copy_field(c->session_token, sizeof c->session_token, v[2], "session token", e, sizeof e);
    /* Honoured by every call made with them (ec2.c): expired credentials
     * give one clear line instead of ExpiredToken after retries. */
    if (rc == 0 && v[3] && fc_parse_time(v[3], &c->expires_at) < 0) c->expires_at = 0;
    for (int i = 0; i < 4; i++) {
        if (v[i]) wipe(v[i], strlen(v[i]));
        free(v[i]);
    }
    if (rc < 0) return fc_err(err, errlen, "%s credentials: %s", what, e);
    return 0;
}

/* The AWS SDKs accept a plain-http FULL_URI only on loopback or the ECS /
 * EKS link-local agents: a token must not cross a network in clear text. */
static bool container_host_ok(const char *url)
{
    if (strncmp(url, "https://", 8) == 0) return true;
    if (strncmp(url, "http://", 7) != 0) return false;
    const char *h = url + 7, *e;
    char host[128];
    if (*h == '[') {
        e = strchr(h, ']');
        if (!e) return false;
        h++;
    } else {
        e = h + strcspn(h, ":/?#");
    }
    snprintf(host, sizeof host, "%.*s", (int)(e - h), h);
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
           strcmp(host, "169.254.170.2") == 0 || strcmp(host, "169.254.170.23") == 0 ||
           strcasecmp(host, "fd00:ec2::23") == 0;
}

/* 1 = found, 0 = not configured, -1 = configured but failed. */
static int container_creds(aws_config *c, char *err, size_t errlen)
{
    const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!rel && !full) return 0;
    char url[1024];
    if (rel)
        snprintf(url, sizeof url, "http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
    else
        snprintf(url, sizeof url, "%s", full);
    if (!rel && !container_host_ok(url))
        return fc_err(err, errlen, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https:// or a loopback/ECS agent address");

    char *token = NULL;
    size_t tlen = 0;
    const char *tfile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (tfile) {
        if (fc_read_file(tfile, &token, &tlen, err, errlen) < 0) return -1;
        while (tlen && (token[tlen - 1] == '\n' || token[tlen - 1] == '\r')) token[--tlen] = '\0';
    } else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        token = xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        tlen = strlen(token);
    }
    dbuf auth;
    dbuf_init(&auth, 0);
    const char *hdrs[2] = {NULL, NULL};
    if (token) {
        dbuf_printf(&auth, "Authorization: %s", token);
        hdrs[0] = auth.data;
        wipe(token, tlen);
        free(token);
    }
    http_opts o = {.connect_timeout_ms = 2000, .timeout_ms = 5000, .max_attempts = 3,
                   .allow_http = true, .verbose = c->verbose, .label = "container credentials",
                   .ca_bundle = env("AWS_CA_BUNDLE")};
    http_request rq = {.method = "GET", .url = url, .headers = hdrs};
    http_response r;
    int rc = http_do(&rq, &o, &r, err, errlen);
    if (auth.data) wipe(auth.data, auth.len);
    dbuf_free(&auth);
    if (rc == 0 && r.status != 200)
        rc = fc_err(err, errlen, "container credentials: HTTP %ld from the credentials endpoint", r.status);
    if (rc == 0) rc = creds_from_json(c, r.body.data, r.body.len, "container", err, errlen);
    if (r.body.data) wipe(r.body.data, r.body.len);
    http_response_free(&r);
    return rc < 0 ? -1 : 1;
}

static long env_long(const char *name, long def, long lo, long hi)
{
    const char *v = env(name);
    if (!v) return def;
    char *e;
    double d = strtod(v, &e);
    if (*e || d < (double)lo || d > (double)hi) return def;
    return (long)d;
}

/* IMDSv2: PUT a session token, then GET the role name and its credentials.
 * 1 = found, 0 = no metadata service (not on EC2), -1 = it answered badly. */
static int imds_creds(aws_config *c, char *err, size_t errlen)
{
    const char *dis = env("AWS_EC2_METADATA_DISABLED");
    if (dis && strcasecmp(dis, "true") == 0) return 0;
    const char *base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!base) base = "http://169.254.169.254";
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/') bl--;
    long tmo = env_long("AWS_METADATA_SERVICE_TIMEOUT", 1, 1, 60) * 1000;
    http_opts o = {.connect_timeout_ms = tmo, .timeout_ms = tmo,
                   .max_attempts = (int)env_long("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1, 1, 10),
                   .allow_http = true, .verbose = c->verbose, .label = "instance metadata"};
    char url[1024], e[FC_ERRLEN];
    snprintf(url, sizeof url, "%.*s/latest/api/token", (int)bl, base);
    const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
    http_request rq = {.method = "PUT", .url = url, .headers = ttl};
    http_response r;
    if (http_do(&rq, &o, &r, e, sizeof e) < 0 || r.status != 200 || !r.body.len) {
        if (c->verbose) fprintf(stderr, "flowcost: no instance metadata service (%s)\n", r.status ? "token refused" : e);
        http_response_free(&r);
        return 0;
    }
    dbuf th;
    dbuf_init(&th, 0);
    dbuf_printf(&th, "X-aws-ec2-metadata-token: %s", trim(r.body.data));
    wipe(r.body.data, r.body.len);
    http_response_free(&r);
    const char *hdrs[] = {th.data, NULL};

    int rc = -1;
    snprintf(url, sizeof url, "%.*s/latest/meta-data/iam/security-credentials/", (int)bl, base);
    rq = (http_request){.method = "GET", .url = url, .headers = hdrs};
    if (http_do(&rq, &o, &r, err, errlen) == 0) {
        if (r.status == 404) {
            rc = fc_err(err, errlen, "instance metadata: this instance has no IAM role");
        } else if (r.status != 200 || !r.body.len) {
            rc = fc_err(err, errlen, "instance metadata: HTTP %ld listing the role", r.status);
        } else {
            char role[256];
            snprintf(role, sizeof role, "%.*s", (int)strcspn(r.body.data, "\r\n"), r.body.data);
            http_response_free(&r);
            snprintf(url, sizeof url, "%.*s/latest/meta-data/iam/security-credentials/%s", (int)bl, base, role);
            rq.url = url;
            if (http_do(&rq, &o, &r, err, errlen) == 0) {
                if (r.status != 200)
                    rc = fc_err(err, errlen, "instance metadata: HTTP %ld for role '%s'", r.status, role);
                else
                    rc = creds_from_json(c, r.body.data, r.body.len, "instance metadata", err, errlen);
                if (r.body.data) wipe(r.body.data, r.body.len);
            }
        }
        http_response_free(&r);
    }
    wipe(th.data, th.len);
    dbuf_free(&th);
    return rc < 0 ? -1 : 1;
}

int aws_config_load(aws_config *c, const char *region, const char *profile,
                    const char *endpoint_url, int verbose, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->verbose = verbose;
    c->max_attempts = (int)env_long("AWS_MAX_ATTEMPTS", 5, 1, 20);
    c->connect_timeout_ms = env_long("FLOWCOST_CONNECT_TIMEOUT", 5, 1, 600) * 1000;
    c->timeout_ms = env_long("FLOWCOST_HTTP_TIMEOUT", 60, 1, 3600) * 1000;

    if (env("AWS_CA_BUNDLE") &&
        copy_field(c->ca_bundle, sizeof c->ca_bundle, env("AWS_CA_BUNDLE"), "AWS_CA_BUNDLE", err, errlen) < 0)
        return -1;
    const char *ep = endpoint_url && *endpoint_url ? endpoint_url : env("AWS_ENDPOINT_URL");
    c->endpoint_from_flag = endpoint_url && *endpoint_url;
    if (ep && copy_field(c->endpoint_url, sizeof c->endpoint_url, ep, "endpoint URL", err, errlen) < 0) return -1;

    bool explicit_profile = profile && *profile;
    const char *pname = explicit_profile ? profile : env("AWS_PROFILE") ? env("AWS_PROFILE") : env("AWS_DEFAULT_PROFILE");
    bool named = pname != NULL;
    if (!pname) pname = "default";
    if (copy_field(c->profile, sizeof c->profile, pname, "profile name", err, errlen) < 0) return -1;

    char credf[1024], conff[1024], psec[300];
    aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials", credf, sizeof credf);
    aws_file("AWS_CONFIG_FILE", "config", conff, sizeof conff);
    snprintf(psec, sizeof psec, "profile %s", pname);
    const char *csec[] = {pname};
    const char *fsec[] = {psec, strcmp(pname, "default") == 0 ? "default" : psec};
    char *cv[K_NKEYS] = {0}, *fv[K_NKEYS] = {0};
    int in_cred = ini_read(credf, csec, 1, cv);
    int in_conf = ini_read(conff, fsec, 2, fv);

    int rc = 0;
    const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
    if (!explicit_profile && (ak || sk)) {
        if (!ak || !sk) {
            rc = fc_err(err, errlen, "%s is set but %s is not", ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                        ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
        } else {
            rc = copy_field(c->access_key, sizeof c->access_key, ak, "AWS_ACCESS_KEY_ID", err, errlen);
            if (!rc) rc = copy_field(c->secret_key, sizeof c->secret_key, sk, "AWS_SECRET_ACCESS_KEY", err, errlen);
            if (!rc && env("AWS_SESSION_TOKEN"))
                rc = copy_field(c->session_token, sizeof c->session_token, env("AWS_SESSION_TOKEN"), "AWS_SESSION_TOKEN", err, errlen);
            c->cred_source = "environment";
        }
    }
    if (!rc && !c->cred_source && named && !in_cred && !in_conf)
        rc = fc_err(err, errlen, "profile '%s' not found in %s or %s", pname, credf, conff);
    for (int pass = 0; !rc && !c->cred_source && pass < 2; pass++) {
        char **v = pass == 0 ? cv : fv;
        if (!v[K_AKID] && !v[K_SECRET]) continue;
        if (!v[K_AKID] || !v[K_SECRET]) {
            rc = fc_err(err, errlen, "profile '%s' in %s has %s but not %s", pname, pass ? conff : credf,
                        v[K_AKID] ? "aws_access_key_id" : "aws_secret_access_key",
                        v[K_AKID] ? "aws_secret_access_key" : "aws_access_key_id");
            break;
        }
        rc = copy_field(c->access_key, sizeof c->access_key, v[K_AKID], "aws_access_key_id", err, errlen);
        if (!rc) rc = copy_field(c->secret_key, sizeof c->secret_key, v[K_SECRET], "aws_secret_access_key", err, errlen);
        if (!rc && v[K_TOKEN]) rc = copy_field(c->session_token, sizeof c->session_token, v[K_TOKEN], "aws_session_token", err, errlen);
        c->cred_source = pass == 0 ? "shared credentials file" : "config file";
    }
    if (!rc && !c->cred_source) {
        const char *unsup = cv[K_ROLE] || fv[K_ROLE] ? "role_arn"
                            : cv[K_SSO] || fv[K_SSO] || cv[K_SSO_SESSION] || fv[K_SSO_SESSION] ? "sso"
                            : cv[K_PROCESS] || fv[K_PROCESS] ? "credential_process"
                            : cv[K_WEBID] || fv[K_WEBID] ? "web_identity_token_file" : NULL;
        if (unsup)
            rc = fc_err(err, errlen,
                        "profile '%s' uses %s, which flowcost does not resolve: export keys with "
                        "'aws configure export-credentials --profile %s --format env'", pname, unsup, pname);
    }
    if (!rc && !c->cred_source) {
        int k = container_creds(c, err, errlen);
        if (k < 0) rc = -1;
        else if (k) c->cred_source = "container credentials";
    }
    if (!rc && !c->cred_source) {
        int k = imds_creds(c, err, errlen);
        if (k < 0) rc = -1;
        else if (k) c->cred_source = "instance metadata (IMDSv2)";
    }
    if (!rc && !c->cred_source)
        rc = fc_err(err, errlen, "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                                 "use --profile, or run with an ECS task role or EC2 instance role");

    const char *reg = region && *region ? region : env("AWS_REGION") ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
    if (!reg) reg = fv[K_REGION] ? fv[K_REGION] : cv[K_REGION];
    if (!rc && !reg) rc = fc_err(err, errlen, "no AWS region: use --region or set AWS_REGION");
    if (!rc) rc = copy_field(c->region, sizeof c->region, reg, "region", err, errlen);
    for (const char *p = c->region; !rc && *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            rc = fc_err(err, errlen, "'%s' is not an AWS region name", c->region);
    free_vals(cv);
    free_vals(fv);
    if (rc) {
        aws_config_clear(c);
        return -1;
    }
    if (verbose) {
        char m[64];
        aws_mask_key(c->access_key, m, sizeof m);
        fprintf(stderr, "flowcost: AWS credentials from %s (profile %s, key %s%s), region %s\n", c->cred_source,
                c->profile, m, c->session_token[0] ? ", with session token" : "", c->region);
    }
    return 0;
}

int aws_endpoint(const aws_config *c, const char *service, char *url, size_t n, char *err, size_t errlen)
{
    char envname[64];
    snprintf(envname, sizeof envname, "AWS_ENDPOINT_URL_%s", service);
    for (char *p = envname; *p; p++) *p = (char)toupper((unsigned char)*p);
    const char *ep = c->endpoint_from_flag ? c->endpoint_url : env(envname) ? env(envname) : c->endpoint_url;
    if (ep && *ep) {
        if (strncmp(ep, "https://", 8) != 0 && strncmp(ep, "http://", 7) != 0)
            return fc_err(err, errlen, "endpoint URL '%s' must start with https:// or http://", ep);
        size_t l = strlen(ep);
        while (l && ep[l - 1] == '/') l--;
        snprintf(url, n, "%.*s", (int)l, ep);
        return 0;
    }
    snprintf(url, n, "https://%s.%s.amazonaws.com%s", service, c->region,
             strncmp(c->region, "cn-", 3) == 0 ? ".cn" : "");
    return 0;
}

void aws_http_opts(const aws_config *c, const char *url, const char *label, http_opts *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = c->connect_timeout_ms;
    o->timeout_ms = c->timeout_ms;
    o->max_attempts = c->max_attempts;
    /* aws_endpoint() only yields http:// when an endpoint was configured
     * explicitly, which is the one case plain http is allowed. */
    o->allow_http = strncmp(url, "http://", 7) == 0;
    o->verbose = c->verbose;
    o->label = label;
    o->ca_bundle = c->ca_bundle[0] ? c->ca_bundle : NULL;
}

/* The AWS error codes a user can fix, and how. */
static const struct {
    const char *service, *code, *hint;   /* service NULL: any */
} hints[] = {
    {"ec2", "AuthFailure", "; check the access key and secret key (-v shows where they came from)"},
    {"ec2", "InvalidClientTokenId", "; the access key id is not known to AWS"},
    {"ec2", "SignatureDoesNotMatch", "; check the secret access key"},
    {"ec2", "UnrecognizedClientException", "; check the access key and secret key"},
    {"ec2", "UnauthorizedOperation", "; grant ec2:Describe* to this identity"},
    {"ec2", "OptInRequired", "; this account is not opted in to the region"},
    {"ec2", "InvalidAction", "; the endpoint is not an EC2 API"},
    {"elasticloadbalancing", "AccessDenied", "; grant elasticloadbalancing:DescribeLoadBalancers to this identity"},
    {"ec2", "AccessDenied", "; grant ec2:Describe* to this identity"},
    {"s3", "NoSuchBucket", "; check the bucket name"},
    {"s3", "AccessDenied", "; the credentials need s3:ListBucket and s3:GetObject"},
    {"s3", "InvalidAccessKeyId", "; check the AWS credentials"},
    {"s3", "SignatureDoesNotMatch", "; check the AWS credentials"},
    {NULL, "ExpiredToken", "; the session token has expired: refresh the credentials"},
    {NULL, "RequestExpired", "; check this machine's clock"},
};

const char *aws_error_hint(const char *service, const char *code)
{
    for (int pass = 0; code && pass < 2; pass++)
        for (size_t i = 0; i < sizeof hints / sizeof *hints; i++) {
            bool svc = pass == 0 ? hints[i].service && service && strcmp(hints[i].service, service) == 0
                                 : hints[i].service == NULL;
            if (svc && strcmp(hints[i].code, code) == 0) return hints[i].hint;
        }
    return "";
}

const char *enrich_lib_versions(void)
{
    static char buf[256];
    if (!buf[0])
        snprintf(buf, sizeof buf, "%s %s %s %s", http_lib_version(), sigv4_lib_version(),
                 snapshot_lib_version(), ec2_lib_version());
    return buf;
}

int aws_post_init(aws_post *k, const aws_config *c, const char *url, const char *service, const char *target,
                  char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    k->c = c;
    k->service = service;
    k->target = target;
    k->url = url;
    const char *a = strstr(url, "://");
    if (!a) return fc_err(err, errlen, "bad endpoint URL '%s'", url);
    a += 3;
    size_t al = strcspn(a, "/?#");
    if (!al || al >= sizeof k->host) return fc_err(err, errlen, "bad endpoint URL '%s'", url);
    if (memchr(a, '@', al)) return fc_err(err, errlen, "endpoint URL must not carry user information");
    snprintf(k->host, sizeof k->host, "%.*s", (int)al, a);
    const char *p = a + al;
    size_t pl = strcspn(p, "?#");
    snprintf(k->path, sizeof k->path, "%.*s", (int)(pl ? pl : 1), pl ? p : "/");
    return 0;
}

int aws_post_sign(void *ctx, const http_attempt *a, dbuf *out, char *err, size_t errlen)
{
    (void)a;
    const aws_post *k = ctx;
    int64_t now = (int64_t)time(NULL);
    char date[17];
    sigv4_amz_date(now, date);
    sigv4_header h[5];
    size_t nh = 0;
    h[nh++] = (sigv4_header){"Content-Type", k->target ? "application/x-amz-json-1.1"
                                                       : "application/x-www-form-urlencoded; charset=utf-8"};
    h[nh++] = (sigv4_header){"Host", k->host};
    h[nh++] = (sigv4_header){"X-Amz-Date", date};
    if (k->target) h[nh++] = (sigv4_header){"X-Amz-Target", k->target};
    if (k->c->session_token[0]) h[nh++] = (sigv4_header){"X-Amz-Security-Token", k->c->session_token};
    const char *body = k->body ? k->body : "";
    sigv4_request r = {.method = "POST", .path = k->path, .headers = h, .n_headers = nh, .body = body,
                       .body_len = strlen(body)};
    sigv4_key key = {k->c->access_key, k->c->secret_key, k->region ? k->region : k->c->region, k->service};
    dbuf auth;
    dbuf_init(&auth, 0);
    int rc = sigv4_authorization(&r, &key, now, &auth, err, errlen);
    if (rc == 0) {
        for (size_t i = 0; i < nh; i++) dbuf_printf(out, "%s: %s\n", h[i].name, h[i].value);
        dbuf_printf(out, "Authorization: %s\n", auth.data);
    }
    dbuf_free(&auth);
    return rc;
}
