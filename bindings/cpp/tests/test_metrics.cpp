// Sandbox metrics: a sandbox that burns CPU and holds memory shows it in its
// samples (taken every 5 seconds), which a time range selects; errors.
#include <thread>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

using Clock = std::chrono::system_clock;

class Metrics : public SandboxTest {};

long long unix_seconds(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

TEST_F(Metrics, ShowABusySandbox) {
    const e2b::Command burn = sandbox.commands().start("timeout 60 sh -c 'while :; do :; done'");
    const e2b::Command hold =
        sandbox.commands().start("python3 -c \"import time; b = b'x' * (200 << 20); time.sleep(60)\"");
    std::vector<e2b::SandboxMetrics> samples;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (;;) {
        samples = sandbox.get_metrics();
        if (samples.size() >= 2 && samples.back().cpu_used_pct >= 2 && samples.back().mem_used >= (200u << 20)) break;
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no sample showed the work";
        std::this_thread::sleep_for(500ms);
    }
    const e2b::SandboxMetrics& last = samples.back();
    EXPECT_EQ(last.cpu_count, 2u);
    EXPECT_LE(last.cpu_used_pct, 100.0);
    EXPECT_EQ(last.mem_total, 512u << 20);
    EXPECT_LT(last.mem_used, last.mem_total);
    EXPECT_GT(last.disk_used, 0u);
    EXPECT_LT(last.disk_used, last.disk_total);
    for (size_t i = 0; i < samples.size(); ++i) {
        EXPECT_EQ(unix_seconds(samples[i].timestamp) % 5, 0);
        if (i > 0) {
            EXPECT_LT(samples[i - 1].timestamp, samples[i].timestamp);
        }
    }

    const e2b::SandboxMetrics& first = samples[0];
    const std::vector<e2b::SandboxMetrics> only = sandbox.get_metrics(first.timestamp, first.timestamp);
    ASSERT_EQ(only.size(), 1u);
    EXPECT_EQ(only[0].timestamp, first.timestamp);
    EXPECT_EQ(only[0].mem_used, first.mem_used);
    const std::vector<e2b::SandboxMetrics> later = client.get_metrics(sandbox.id(), samples[1].timestamp);
    ASSERT_FALSE(later.empty());
    EXPECT_EQ(later[0].timestamp, samples[1].timestamp);
    EXPECT_TRUE(sandbox.get_metrics(Clock::now() + 1h).empty());
    burn.kill();
    hold.kill();
}

TEST_F(Metrics, Errors) {
    EXPECT_THROW(client.get_metrics("nosuchsandbox"), e2b::SandboxNotFound);
    EXPECT_THROW(sandbox.get_metrics(Clock::time_point(-10s)), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.get_metrics(Clock::time_point(2000s), Clock::time_point(1000s)), e2b::InvalidArgument);
    const e2b::CancelToken token;
    token.cancel();
    EXPECT_THROW(sandbox.get_metrics(std::nullopt, std::nullopt, token), e2b::CancelledError);
}
