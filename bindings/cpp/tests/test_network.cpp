// Network configuration: create with NetworkOptions, an egress proxy the
// team lacks (PermissionDenied), update_network (skipped while e2b-local
// lacks PUT /sandboxes/{id}/network) and its errors.
#include "testing.hpp"

using namespace testing_e2b;

namespace {

/// Whether this e2b-local has PUT /sandboxes/{id}/network: without it, an
/// update of a sandbox that exists answers 404 like an unknown sandbox.
bool has_update_endpoint(const e2b::Sandbox& sandbox) {
    try {
        sandbox.update_network(e2b::NetworkOptions());
        return true;
    } catch (const e2b::SandboxNotFound& error) {
        return error.http_status() != 404;
    }
}

}  // namespace

TEST(Network, CreateWithRulesAndAnEgressProxyTheTeamLacks) {
    const e2b::Client client;
    e2b::NetworkOptions network;
    network.deny_out(e2b::all_traffic)
        .allow_out("127.0.0.1")
        .allow_out("example.com")
        .dns_servers({})
        .rule_header("example.com", "X-Team", "data")
        .rule("example.com")
        .mask_request_host("localhost:${PORT}")
        .https_port(8443);
    e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(60s).network(network));
    EXPECT_TRUE(sandbox.traffic_access_token().empty());
    sandbox.kill();
    e2b::Sandbox secured = client.create_sandbox(
        e2b::SandboxOptions().timeout(60s).network(e2b::NetworkOptions().allow_public_traffic(false)));
    EXPECT_FALSE(secured.traffic_access_token().empty());
    secured.kill();

    network.egress_proxy("127.0.0.1:1080", "u", "p", true, "proxy");
    try {
        client.create_sandbox(e2b::SandboxOptions().timeout(60s).network(network));
        FAIL() << "created a sandbox with an egress proxy";
    } catch (const e2b::PermissionDenied& error) {
        EXPECT_EQ(error.http_status(), 403);
        EXPECT_NE(std::string(error.what()).find("Egress proxy"), std::string::npos) << error.what();
    }
    EXPECT_THROW(e2b::NetworkOptions().egress_proxy("p:1", "", "", false, "name"), e2b::InvalidArgument);
}

TEST(Network, UpdateReplacesTheEgressRules) {
    const e2b::Client client;
    e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(120s));
    // Ingress settings are the create's: refused before any request.
    EXPECT_THROW(sandbox.update_network(e2b::NetworkOptions().https_port(8443)), e2b::InvalidArgument);
    if (!has_update_endpoint(sandbox)) {
        sandbox.kill();
        GTEST_SKIP() << "this e2b-local has no PUT /sandboxes/{id}/network";
    }
    sandbox.update_network(e2b::NetworkOptions().deny_out(e2b::all_traffic).allow_out("127.0.0.1").dns_servers({}));
    client.update_network(sandbox.id(), e2b::NetworkOptions().deny_out("10.1.0.0/16"));
    EXPECT_THROW(client.update_network("aaaaaaaaaaaaaaaaaaaa", e2b::NetworkOptions()), e2b::SandboxNotFound);
    EXPECT_THROW(sandbox.update_network(e2b::NetworkOptions().deny_out("example.com")), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.update_network(e2b::NetworkOptions().egress_proxy("127.0.0.1:1080")),
                 e2b::PermissionDenied);
    sandbox.kill();
}
