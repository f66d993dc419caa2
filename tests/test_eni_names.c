/* test_eni_names: the display names of ENIs that AWS services create for
 * themselves (src/inventory.c name_rules; formats cited in
 * docs/enrichment.md). One row per case: what DescribeNetworkInterfaces
 * says (interfaceType, description, a tag, an instance), and the name a
 * reader should see, written by hand. */
#include "check.h"
#include "inventory.h"

static const struct {
    const char *type, *desc, *tag_key, *tag_val, *instance, *want;
} rows[] = {
    /* Lambda (Hyperplane ENIs): the function's name. */
    {"lambda", "AWS Lambda VPC ENI-orders-handler", NULL, NULL, NULL, "lambda:orders-handler"},
    {"interface", "AWS Lambda VPC ENI-fn-2", NULL, NULL, NULL, "lambda:fn-2"},
    /* Older Lambda ENIs say no function: the ENI id. */
    {"interface", "AWS Lambda VPC ENI: 0b7e5c6a-1d2f-4c3b-9a8e-7f6d5c4b3a21", NULL, NULL, NULL, "lambda:eni-x"},
    {"lambda", NULL, NULL, NULL, NULL, "lambda:eni-x"},
    /* EKS: control plane, VPC CNI node ENIs, pod branch and trunk ENIs. */
    {"interface", "Amazon EKS prod-cluster", NULL, NULL, NULL, "eks:prod-cluster"},
    {"interface", "aws-K8S-i-0123456789abcdef0", "cluster.k8s.amazonaws.com/name", "prod", NULL, "eks-node:prod"},
    {"interface", "aws-K8S-i-0123456789abcdef0", NULL, NULL, NULL, "eks-node:i-0123456789abcdef0"},
    {"branch", "aws-k8s-branch-eni", "cluster.k8s.amazonaws.com/name", "prod", NULL, "eks-pod:prod"},
    {"branch", "aws-k8s-branch-eni", NULL, NULL, NULL, "eks-pod:eni-x"},
    {"trunk", "aws-k8s-trunk-eni", "cluster.k8s.amazonaws.com/name", "prod", "i-0aaa", "eks-trunk:prod"},
    /* ECS awsvpc task ENIs: the service's tag, else the attachment id. */
    {"interface", "arn:aws:ecs:us-east-1:111122223333:attachment/665d4fbe-1dd1-426e-9f20-b8af371fcf97", NULL, NULL,
     NULL, "ecs:665d4fbe-1dd1-426e-9f20-b8af371fcf97"},
    {"interface", "arn:aws:ecs:us-east-1:111122223333:attachment/665d4fbe", "aws:ecs:serviceName", "checkout", NULL,
     "ecs:checkout"},
    /* Databases, caches, file systems, directories. */
    {"interface", "RDSNetworkInterface", NULL, NULL, NULL, "rds:eni-x"},
    {"interface", "RedshiftNetworkInterface", NULL, NULL, NULL, "redshift:eni-x"},
    {"interface", "ElastiCache sessions-0001-001", NULL, NULL, NULL, "elasticache:sessions-0001-001"},
    {"interface", "EFS mount target for fs-0dcdbf56073416b82 (fsmt-0852ce334db888836)", NULL, NULL, NULL,
     "efs:fs-0dcdbf56073416b82"},
    {"interface", "AWS created network interface for directory d-9067a1b2c3", NULL, NULL, NULL, "directory:d-9067a1b2c3"},
    /* A Name tag wins over every rule. */
    {"interface", "RDSNetworkInterface", "Name", "postgres-primary", NULL, "postgres-primary"},
    /* Not a managed service's: the rules of before (instance, resource, description, id). */
    {"interface", "Primary network interface", NULL, NULL, "i-0bbb", "i-0bbb"},
    {"interface", "ELB app/prod-web/50dc6c495c0c9188", NULL, NULL, NULL, "app/prod-web/50dc6c495c0c9188"},
    {"nat_gateway", "Interface for NAT Gateway nat-02c7f1abd219e91b4", NULL, NULL, NULL, "nat-02c7f1abd219e91b4"},
    {"vpc_endpoint", "VPC Endpoint Interface vpce-082e39be8e0e403a9", NULL, NULL, NULL, "vpce-082e39be8e0e403a9"},
    {"interface", "my own description", NULL, NULL, NULL, "my own description"},
    {"interface", NULL, NULL, NULL, NULL, "eni-x"},
    /* A snapshot from before these rules stored the description as the name. */
    {"interface", "AWS Lambda VPC ENI-fn-2", "(name)", "AWS Lambda VPC ENI-fn-2", NULL, "lambda:fn-2"},
};

/* The resource a managed description names, as enrich/ec2.c derives it
 * (kept here by hand for the three rows that need it). */
static const char *resource_of(const char *d)
{
    if (!d) return NULL;
    if (!strncmp(d, "ELB ", 4)) return d + 4;
    const char *sp = strrchr(d, ' ');
    if (sp && (!strncmp(sp + 1, "nat-", 4) || !strncmp(sp + 1, "vpce-", 5))) return sp + 1;
    return NULL;
}

int main(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        inventory *inv = inv_new();
        inv_eni *e = inv_eni_get(inv, "eni-x");
        e->interface_type = inv_intern(inv, rows[i].type);
        e->description = inv_intern(inv, rows[i].desc);
        e->instance_id = inv_intern(inv, rows[i].instance);
        e->resource_id = inv_intern(inv, resource_of(rows[i].desc));
        /* "(name)": a name as a snapshot file gives it, without a tag. */
        if (rows[i].tag_key && strcmp(rows[i].tag_key, "(name)"))
            inv_eni_set_tag(inv, e, rows[i].tag_key, rows[i].tag_val, true);
        if (rows[i].tag_key && (!strcmp(rows[i].tag_key, "Name") || !strcmp(rows[i].tag_key, "(name)")))
            e->name = inv_intern(inv, rows[i].tag_val);
        inv_finalize(inv);
        CHECK_STR(e->name, rows[i].want);
        inv_free(inv);
    }
    return check_done();
}
