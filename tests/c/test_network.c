/*
 * C tests of network configuration, linked against the real library and run
 * against a real e2b-local (E2B_API_URL, E2B_SANDBOX_URL and E2B_API_KEY in
 * the environment): create with network options, the live update, and every
 * function with NULL for each pointer and invalid UTF-8 for each string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2b.h"
#include "testing.h"

static const char BAD_UTF8[] = {(char)0xC3, (char)0x28, 0};

static e2b_client *new_client(void) {
    e2b_client *client = NULL;
    EXPECT_OK(e2b_client_new(NULL, &client, NULL));
    return client;
}

/* A sandbox made with `network`, or NULL with the error in `*err`. */
static e2b_sandbox *create_with(e2b_client *client, const e2b_network_options *network, e2b_error **err) {
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_timeout_ms(options, 120000, NULL));
    EXPECT_OK(e2b_sandbox_options_set_network(options, network, NULL));
    e2b_sandbox *sandbox = NULL;
    e2b_client_create_sandbox(client, options, &sandbox, NULL, err);
    e2b_sandbox_options_free(options);
    return sandbox;
}

/* Whether this e2b-local has PUT /sandboxes/{id}/network: without it, an
 * update of a sandbox that exists answers 404 like an unknown sandbox. */
static bool has_update_endpoint(e2b_sandbox *sandbox) {
    e2b_network_options *empty = e2b_network_options_new();
    e2b_error *err = NULL;
    e2b_error_code code = e2b_sandbox_update_network(sandbox, empty, NULL, &err);
    e2b_network_options_free(empty);
    bool has = !(code == E2B_ERR_SANDBOX_NOT_FOUND && e2b_error_http_status(err) == 404);
    if (!has) fprintf(stderr, "SKIPPED: this e2b-local has no PUT /sandboxes/{id}/network\n");
    e2b_error_free(err);
    return has;
}

static void test_create_with_network(void) {
    e2b_client *client = new_client();
    e2b_network_options *network = e2b_network_options_new();
    EXPECT_OK(e2b_network_options_add_deny_out(network, E2B_ALL_TRAFFIC, NULL));
    EXPECT_OK(e2b_network_options_add_allow_out(network, "127.0.0.1", NULL));
    EXPECT_OK(e2b_network_options_add_allow_out(network, "example.com", NULL));
    EXPECT_OK(e2b_network_options_set_dns_servers(network, NULL, 0, NULL)); /* the explicit empty list */
    const char *servers[] = {"1.1.1.1", "8.8.4.4"};
    EXPECT_OK(e2b_network_options_set_dns_servers(network, servers, 2, NULL));
    EXPECT_OK(e2b_network_options_add_rule_header(network, "example.com", "X-Team", "data", NULL));
    EXPECT_OK(e2b_network_options_add_rule_header(network, "example.com", "X-Other", "${e2b.secrets.x}", NULL));
    EXPECT_OK(e2b_network_options_add_rule(network, "*.example.com", NULL)); /* a rule without headers */
    EXPECT_OK(e2b_network_options_add_rule(network, "example.com", NULL));  /* a second rule of a host */
    EXPECT_OK(e2b_network_options_add_rule_header(network, "example.com", "X-Second", "2", NULL));
    EXPECT_OK(e2b_network_options_set_mask_request_host(network, "localhost:${PORT}", NULL));
    EXPECT_OK(e2b_network_options_add_https_port(network, 8443, NULL));
    EXPECT_OK(e2b_network_options_set_allow_internet_access(network, true, NULL));
    e2b_sandbox *sandbox = create_with(client, network, NULL);
    EXPECT(sandbox != NULL);

    EXPECT(sandbox == NULL || e2b_sandbox_traffic_access_token(sandbox) == NULL);

    /* Public traffic off: the sandbox has a traffic access token. */
    e2b_network_options *closed = e2b_network_options_new();
    EXPECT_OK(e2b_network_options_set_allow_public_traffic(closed, false, NULL));
    e2b_sandbox *secured = create_with(client, closed, NULL);
    EXPECT(secured != NULL);
    if (secured) {
        const char *token = e2b_sandbox_traffic_access_token(secured);
        EXPECT(token != NULL && strlen(token) > 0);
        e2b_sandbox_kill(secured, NULL, NULL, NULL);
    }
    e2b_sandbox_free(secured);
    e2b_network_options_free(closed);
    EXPECT(e2b_sandbox_traffic_access_token(NULL) == NULL);

    /* An egress proxy the team does not have: 403, PERMISSION_DENIED. */
    EXPECT_OK(e2b_network_options_set_egress_proxy(network, "127.0.0.1:1080", "u", "p", true, "proxy", NULL, NULL));
    e2b_error *err = NULL;
    EXPECT(create_with(client, network, &err) == NULL);
    EXPECT(e2b_error_code_of(err) == E2B_ERR_PERMISSION_DENIED && e2b_error_http_status(err) == 403);
    EXPECT(err != NULL && strstr(e2b_error_message(err), "Egress proxy") != NULL);
    e2b_error_free(err);

    e2b_network_options_free(network);
    if (sandbox) e2b_sandbox_kill(sandbox, NULL, NULL, NULL);
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_update_network(void) {
    e2b_client *client = new_client();
    e2b_sandbox *sandbox = testing_sandbox(client);
    if (!sandbox || !has_update_endpoint(sandbox)) {
        e2b_sandbox_free(sandbox);
        e2b_client_free(client);
        return;
    }
    e2b_network_options *update = e2b_network_options_new();
    EXPECT_OK(e2b_network_options_add_deny_out(update, E2B_ALL_TRAFFIC, NULL));
    EXPECT_OK(e2b_network_options_add_allow_out(update, "127.0.0.1", NULL));
    EXPECT_OK(e2b_network_options_set_dns_servers(update, NULL, 0, NULL));
    EXPECT_OK(e2b_sandbox_update_network(sandbox, update, NULL, NULL));
    EXPECT_OK(e2b_client_update_network(client, e2b_sandbox_id(sandbox), update, NULL, NULL));

    e2b_error *err = NULL;
    e2b_network_options *bad = e2b_network_options_new();
    EXPECT_OK(e2b_network_options_add_deny_out(bad, "example.com", NULL));
    EXPECT_ERR(e2b_sandbox_update_network(sandbox, bad, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err, "example.com");
    e2b_network_options_free(bad);
    EXPECT_ERR(e2b_client_update_network(client, "aaaaaaaaaaaaaaaaaaaa", update, NULL, &err), E2B_ERR_SANDBOX_NOT_FOUND,
               err, "aaaaaaaaaaaaaaaaaaaa");

    e2b_network_options_free(update);
    e2b_sandbox_kill(sandbox, NULL, NULL, NULL);
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

static void test_bad_arguments(void) {
    e2b_client *client = new_client();
    e2b_error *err = NULL;
    e2b_network_options *network = e2b_network_options_new();
    EXPECT_ERR(e2b_network_options_add_allow_out(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_add_allow_out(network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "entry");
    EXPECT_ERR(e2b_network_options_add_allow_out(network, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "entry");
    EXPECT_ERR(e2b_network_options_add_deny_out(NULL, "x", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_add_deny_out(network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "entry");
    EXPECT_ERR(e2b_network_options_add_deny_out(network, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "entry");
    const char *servers[] = {"1.1.1.1", NULL};
    const char *bad_servers[] = {BAD_UTF8};
    EXPECT_ERR(e2b_network_options_set_dns_servers(NULL, NULL, 0, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_set_dns_servers(network, NULL, 1, &err), E2B_ERR_NULL_ARGUMENT, err, "servers");
    EXPECT_ERR(e2b_network_options_set_dns_servers(network, servers, 2, &err), E2B_ERR_NULL_ARGUMENT, err,
               "servers[1]");
    EXPECT_ERR(e2b_network_options_set_dns_servers(network, bad_servers, 1, &err), E2B_ERR_INVALID_UTF8, err,
               "servers[0]");
    EXPECT_ERR(e2b_network_options_add_rule(NULL, "h", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_add_rule(network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "host");
    EXPECT_ERR(e2b_network_options_add_rule(network, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "host");
    EXPECT_ERR(e2b_network_options_add_rule_header(NULL, "h", "n", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_add_rule_header(network, NULL, "n", "v", &err), E2B_ERR_NULL_ARGUMENT, err, "host");
    EXPECT_ERR(e2b_network_options_add_rule_header(network, "h", NULL, "v", &err), E2B_ERR_NULL_ARGUMENT, err, "name");
    EXPECT_ERR(e2b_network_options_add_rule_header(network, "h", "n", NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "value");
    EXPECT_ERR(e2b_network_options_add_rule_header(network, BAD_UTF8, "n", "v", &err), E2B_ERR_INVALID_UTF8, err,
               "host");
    EXPECT_ERR(e2b_network_options_add_rule_header(network, "h", BAD_UTF8, "v", &err), E2B_ERR_INVALID_UTF8, err,
               "name");
    EXPECT_ERR(e2b_network_options_add_rule_header(network, "h", "n", BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err,
               "value");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(NULL, "a:1", NULL, NULL, false, NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, NULL, NULL, NULL, false, NULL, NULL, &err),
               E2B_ERR_NULL_ARGUMENT, err, "address");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, BAD_UTF8, NULL, NULL, false, NULL, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "address");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, "a:1", BAD_UTF8, NULL, false, NULL, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "username");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, "a:1", NULL, BAD_UTF8, false, NULL, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "password");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, "a:1", NULL, NULL, true, BAD_UTF8, NULL, &err),
               E2B_ERR_INVALID_UTF8, err, "server_name");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, "a:1", NULL, NULL, true, NULL, BAD_UTF8, &err),
               E2B_ERR_INVALID_UTF8, err, "ca_cert");
    EXPECT_ERR(e2b_network_options_set_egress_proxy(network, "a:1", NULL, NULL, false, "name", NULL, &err),
               E2B_ERR_INVALID_ARGUMENT, err, "need tls");
    EXPECT_ERR(e2b_network_options_set_allow_public_traffic(NULL, false, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_set_mask_request_host(NULL, "h", &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_set_mask_request_host(network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "host");
    EXPECT_ERR(e2b_network_options_set_mask_request_host(network, BAD_UTF8, &err), E2B_ERR_INVALID_UTF8, err, "host");
    EXPECT_ERR(e2b_network_options_add_https_port(NULL, 443, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    EXPECT_ERR(e2b_network_options_set_allow_internet_access(NULL, false, &err), E2B_ERR_NULL_ARGUMENT, err,
               "options");
    EXPECT_ERR(e2b_sandbox_options_set_network(NULL, network, &err), E2B_ERR_NULL_ARGUMENT, err, "options");
    e2b_sandbox_options *options = e2b_sandbox_options_new();
    EXPECT_OK(e2b_sandbox_options_set_network(options, NULL, NULL)); /* NULL: no network settings */
    e2b_sandbox_options_free(options);

    /* The update takes egress settings only, and checks before any request. */
    e2b_sandbox *sandbox = testing_sandbox(client);
    e2b_network_options *ingress = e2b_network_options_new();
    EXPECT_OK(e2b_network_options_set_allow_public_traffic(ingress, false, NULL));
    EXPECT_ERR(e2b_sandbox_update_network(sandbox, ingress, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "at create only");
    e2b_network_options_free(ingress);
    ingress = e2b_network_options_new();
    EXPECT_OK(e2b_network_options_add_https_port(ingress, 8443, NULL));
    EXPECT_ERR(e2b_client_update_network(client, "any", ingress, NULL, &err), E2B_ERR_INVALID_ARGUMENT, err,
               "at create only");
    e2b_network_options_free(ingress);
    EXPECT_ERR(e2b_sandbox_update_network(NULL, network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "sandbox");
    EXPECT_ERR(e2b_sandbox_update_network(sandbox, NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "network");
    EXPECT_ERR(e2b_client_update_network(NULL, "id", network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "client");
    EXPECT_ERR(e2b_client_update_network(client, NULL, network, NULL, &err), E2B_ERR_NULL_ARGUMENT, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_update_network(client, BAD_UTF8, network, NULL, &err), E2B_ERR_INVALID_UTF8, err,
               "sandbox_id");
    EXPECT_ERR(e2b_client_update_network(client, "id", NULL, NULL, &err), E2B_ERR_NULL_ARGUMENT, err, "network");

    /* A cancelled token stops the call before it is sent. */
    e2b_network_options *empty = e2b_network_options_new();
    e2b_cancel *cancel = e2b_cancel_new();
    e2b_cancel_cancel(cancel);
    EXPECT_ERR(e2b_sandbox_update_network(sandbox, empty, cancel, &err), E2B_ERR_CANCELLED, err, "cancelled");
    EXPECT_ERR(e2b_client_update_network(client, "id", empty, cancel, &err), E2B_ERR_CANCELLED, err, "cancelled");
    e2b_cancel_free(cancel);
    e2b_network_options_free(empty);

    e2b_network_options_free(NULL);
    e2b_network_options_free(network);
    if (sandbox) e2b_sandbox_kill(sandbox, NULL, NULL, NULL);
    e2b_sandbox_free(sandbox);
    e2b_client_free(client);
}

int main(void) {
    RUN(test_create_with_network);
    RUN(test_update_network);
    RUN(test_bad_arguments);
    return testing_summary();
}
