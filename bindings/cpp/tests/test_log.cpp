// The log callback: one Debug line per request, the level honoured, no secret.
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

struct Lines {
    std::mutex mutex;
    std::vector<std::pair<e2b::LogLevel, std::string>> got;

    e2b::LogFn fn() {
        return [this](e2b::LogLevel level, std::string_view target, std::string_view message) {
            if (target.substr(0, 5) == "e2b::") {
                const std::lock_guard<std::mutex> lock(mutex);
                got.emplace_back(level, std::string(message));
            }
        };
    }

    size_t with(const std::string& part) {
        const std::lock_guard<std::mutex> lock(mutex);
        size_t n = 0;
        for (const auto& line : got) {
            n += line.second.find(part) != std::string::npos;
        }
        return n;
    }
};

}  // namespace

TEST(Logging, OneDebugLinePerRequestAndNoSecret) {
    Lines lines;
    e2b::set_log_callback(e2b::LogLevel::Debug, lines.fn());
    {
        e2b::Client client;
        auto sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(60s));
        sandbox.files().write("/home/user/logged.txt", "hi");
        sandbox.kill();
    }
    e2b::set_log_callback(e2b::LogLevel::Off, nullptr);
    EXPECT_EQ(lines.with("create sandbox from template 'base': POST http"), 1u);
    EXPECT_EQ(lines.with("write /home/user/logged.txt: POST http"), 1u);
    const char* key = std::getenv("E2B_API_KEY");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(lines.with(key), 0u);
    for (const auto& line : lines.got) {
        EXPECT_EQ(line.first, e2b::LogLevel::Debug) << line.second;
    }
}

TEST(Logging, NothingBelowTheLevelAndNothingOnceOff) {
    Lines lines;
    e2b::set_log_callback(e2b::LogLevel::Info, lines.fn());
    e2b::Client client;
    client.create_sandbox(e2b::SandboxOptions().timeout(60s)).kill();
    e2b::set_log_callback(e2b::LogLevel::Debug, nullptr);
    client.create_sandbox(e2b::SandboxOptions().timeout(60s)).kill();
    EXPECT_TRUE(lines.got.empty());
}
