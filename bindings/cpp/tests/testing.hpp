// Helpers shared by the tests: fixtures that make a sandbox and kill it at
// the end, unique names, and text/byte conversions. The server comes from the
// environment (scripts/with-e2b-local.sh sets E2B_API_URL, E2B_SANDBOX_URL
// and E2B_API_KEY).
#ifndef E2B_TESTING_HPP
#define E2B_TESTING_HPP

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "e2b.hpp"

using namespace std::chrono_literals;

namespace testing_e2b {

/// What tests throw from callbacks, to see it come out of the call unchanged.
struct Stop : std::exception {
    const char* what() const noexcept override { return "stopped by the test"; }
};

/// A name no other test (or run) uses: the test's name, the process and a counter.
inline std::string unique(const std::string& prefix = "t") {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = prefix + "-" + (info ? info->name() : "none") + "-" + std::to_string(getpid()) + "-" +
                       std::to_string(counter++);
    for (char& c : name) {
        c = static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '-');
    }
    return name;
}

/// Runs `body`, turning what it throws into a test failure: for threads,
/// where an exception would end the program.
template <typename Body>
void reporting(Body&& body) {
    try {
        body();
    } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
    }
}

inline std::vector<uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

inline std::string text(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

/// A sandbox for one test, killed at its end.
class SandboxTest : public ::testing::Test {
protected:
    explicit SandboxTest(const e2b::SandboxOptions& options = e2b::SandboxOptions().timeout(120s))
        : sandbox(client.create_sandbox(options)) {}

    ~SandboxTest() override {
        try {
            sandbox.kill();
        } catch (const e2b::Error&) {
            // Killed or moved away by the test itself.
        }
    }

    e2b::Client client;
    e2b::Sandbox sandbox;
};

/// A sandbox of the code-interpreter template.
class CodeTest : public SandboxTest {
protected:
    CodeTest() : SandboxTest(e2b::SandboxOptions().template_name("code-interpreter-v1").timeout(120s)) {}
};

/// A local directory for one test, removed at its end.
class LocalDir {
public:
    LocalDir() : path_(std::filesystem::temp_directory_path() / unique("e2b-cpp")) {
        std::filesystem::create_directories(path_);
    }
    ~LocalDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    LocalDir(const LocalDir&) = delete;
    LocalDir& operator=(const LocalDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace testing_e2b

#endif
