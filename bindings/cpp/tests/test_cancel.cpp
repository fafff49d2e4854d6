// Cancellation: a blocking call given a CancelToken (or, in C++20, a
// std::stop_token) and cancelled from another thread throws
// e2b::CancelledError promptly, against a test server that never answers
// (or answers a canned response first, then goes silent) and against a real
// e2b-local; a token cancelled before the call fails it at once and does
// nothing. Also the error details: Retry-After and a C callback's value.
// Each measured time from the cancel to the call's return is printed (the
// library's target is 100 ms; the bounds here leave room for the sanitizers).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "testing.hpp"

using namespace testing_e2b;
using Clock = std::chrono::steady_clock;

namespace {

/// How long a call blocks before another thread cancels it.
constexpr auto cancel_after = 300ms;
/// The most a cancelled call may take to return after the cancel.
constexpr auto prompt = 2000ms;
/// The most a call given a cancelled token, or a Watch's destructor, may take.
constexpr auto at_once = 1000ms;

double ms(Clock::duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

/// A server on 127.0.0.1 that answers the first request of each of its first
/// connections with the next canned response, and then says nothing more:
/// every connection stays open and silent until the server is destroyed.
class TestServer {
public:
    explicit TestServer(std::vector<std::string> canned = {}) : canned_(std::move(canned)) {
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            listen(listener_, 64) != 0 || getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error(std::string("test server: ") + std::strerror(errno));
        }
        url_ = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
        thread_ = std::thread([this] { serve(); });
    }

    /// Stops the server, closing every connection (calls still waiting see it close).
    ~TestServer() {
        stopping_ = true;
        thread_.join();
        for (int fd : connections_) {
            close(fd);
        }
        close(listener_);
    }

    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    const std::string& url() const { return url_; }

private:
    void serve() {
        size_t next = 0;
        while (!stopping_) {
            pollfd p{listener_, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0) {
                continue;
            }
            const int fd = accept(listener_, nullptr, nullptr);
            if (fd < 0) {
                continue;
            }
            if (next < canned_.size()) {
                read_head(fd);
                const std::string& answer = canned_[next++];
                if (write(fd, answer.data(), answer.size()) < 0) {
                    std::perror("test server: write");
                }
            }
            connections_.push_back(fd);
        }
    }

    /// Reads a request's head (up to the blank line), giving up after 5 s.
    static void read_head(int fd) {
        std::string head;
        char buffer[4096];
        while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 5000) <= 0) {
                return;
            }
            const ssize_t n = read(fd, buffer, sizeof buffer);
            if (n <= 0) {
                return;
            }
            head.append(buffer, static_cast<size_t>(n));
        }
    }

    std::vector<std::string> canned_;
    int listener_ = -1;
    std::string url_;
    std::vector<int> connections_;  // the server thread's until it is joined
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// A client of e2b-local (from the environment) with its API or sandbox URL
/// replaced where given, and no request timeout: only a cancel can end a call
/// to a silent server.
e2b::Client client_with(const std::string& api_url, const std::string& sandbox_url, uint32_t max_retries = 3) {
    e2b::ClientOptions options;
    options.max_retries(max_retries).request_timeout(e2b::timeout_none);
    if (!api_url.empty()) {
        options.api_url(api_url);
    }
    if (!sandbox_url.empty()) {
        options.sandbox_url(sandbox_url);
    }
    return e2b::Client(options);
}

/// Cancels `token` from another thread `after` from now, and once `ready`
/// (if given) is set, waiting for it up to 20 s.
class CancelLater {
public:
    explicit CancelLater(e2b::CancelToken token, const std::atomic<bool>* ready = nullptr,
                         std::chrono::milliseconds after = cancel_after)
        : thread_([this, token, ready, after] {
              std::this_thread::sleep_for(after);
              for (int i = 0; ready && !*ready && i < 400; ++i) {
                  std::this_thread::sleep_for(50ms);
              }
              cancelled_at_ = Clock::now();
              token.cancel();
          }) {}
    ~CancelLater() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    CancelLater(const CancelLater&) = delete;
    CancelLater& operator=(const CancelLater&) = delete;

    /// The time from the cancel to now (negative if the cancel is still to come).
    Clock::duration since_cancel() {
        const auto now = Clock::now();
        thread_.join();
        return now - cancelled_at_;
    }

private:
    Clock::time_point cancelled_at_{};  // written by the thread, read after the join
    std::thread thread_;
};

/// `call(token)` blocks until another thread cancels the token (once
/// `ready`, if given, is set), then throws e2b::CancelledError within
/// `prompt` of the cancel.
template <typename Call>
void expect_cancelled(const std::string& what, Call&& call, const std::atomic<bool>* ready = nullptr) {
    e2b::CancelToken token;
    CancelLater later(token, ready);
    try {
        call(token);
        ADD_FAILURE() << what << " returned without an error";
    } catch (const e2b::CancelledError& error) {
        EXPECT_NE(std::string(error.what()).find("cancelled"), std::string::npos) << error.what();
        EXPECT_EQ(error.code(), e2b::ErrorCode::Cancelled);
    } catch (const e2b::Error& error) {
        ADD_FAILURE() << what << " threw " << e2b::error_code_name(error.code()) << ": " << error.what();
    }
    const Clock::duration took = later.since_cancel();
    std::fprintf(stderr, "     %-52s cancelled -> returned in %7.1f ms\n", what.c_str(), ms(took));
    EXPECT_GT(took, Clock::duration::zero()) << what << " returned before the cancel";
    EXPECT_LT(took, prompt) << what;
    EXPECT_TRUE(token.is_cancelled());
}

/// `call` throws e2b::CancelledError within `at_once`.
template <typename Call>
void expect_cancelled_at_once(const std::string& what, Call&& call) {
    const auto start = Clock::now();
    try {
        call();
        ADD_FAILURE() << what << " returned without an error";
    } catch (const e2b::CancelledError&) {
    } catch (const e2b::Error& error) {
        ADD_FAILURE() << what << " threw " << e2b::error_code_name(error.code()) << ": " << error.what();
    }
    const auto took = Clock::now() - start;
    std::fprintf(stderr, "     %-52s pre-cancelled -> returned in %7.1f ms\n", what.c_str(), ms(took));
    EXPECT_LT(took, at_once) << what;
}

/// Whether a process running `cmd` (as Commands::run starts it: bash -l -c cmd) is listed.
bool running(const e2b::Sandbox& sandbox, const std::string& cmd) {
    for (const e2b::ProcessInfo& process : sandbox.commands().list()) {
        if (process.args.size() > 2 && process.args[2] == cmd) {
            return true;
        }
    }
    return false;
}

/// Whether the process running `cmd` is gone within 2 s (a killed process is
/// listed until the sandbox has reaped it).
bool gone(const e2b::Sandbox& sandbox, const std::string& cmd) {
    for (int i = 0; i < 40; ++i, std::this_thread::sleep_for(50ms)) {
        if (!running(sandbox, cmd)) {
            return true;
        }
    }
    return false;
}

}  // namespace

// ---- tokens, without a server ----

TEST(CancelToken, CopiesShareOneTokenThatStaysCancelled) {
    const e2b::CancelToken token;
    const e2b::CancelToken copy = token;  // NOLINT(performance-unnecessary-copy-initialization)
    e2b::CancelToken source = token;
    const e2b::CancelToken moved = std::move(source);
    EXPECT_EQ(copy.raw(), token.raw());
    EXPECT_EQ(moved.raw(), token.raw());
    EXPECT_EQ(source.raw(), token.raw());  // NOLINT(bugprone-use-after-move): a move copies, never empties
    EXPECT_FALSE(token.is_cancelled());
    copy.cancel();
    copy.cancel();
    EXPECT_TRUE(token.is_cancelled());
    EXPECT_TRUE(moved.is_cancelled());
    EXPECT_NE(e2b::CancelToken().raw(), token.raw());
    EXPECT_FALSE(e2b::CancelToken().is_cancelled());
}

TEST(CancelToken, CancelArgTakesATokenACTokenOrNothing) {
    const e2b::CancelToken token;
    EXPECT_EQ(e2b::CancelArg().raw(), nullptr);
    EXPECT_EQ(e2b::CancelArg(token).raw(), token.raw());
    EXPECT_EQ(e2b::CancelArg(token.raw()).raw(), token.raw());
}

TEST(Durations, TimeoutNoneIsTheCNoLimitAndZeroTheDefault) {
    EXPECT_EQ(e2b::detail::millis(e2b::timeout_none), E2B_TIMEOUT_NONE);
    EXPECT_EQ(e2b::detail::millis(0ms), 0u);
    EXPECT_EQ(e2b::detail::millis(2s), 2000u);
    EXPECT_THROW(e2b::detail::millis(-1ms), std::invalid_argument);
    // A sandbox needs a lifetime; a command, a run or a request need not.
    EXPECT_THROW(e2b::SandboxOptions().timeout(e2b::timeout_none), e2b::InvalidArgument);
    EXPECT_NO_THROW(e2b::CommandOptions().timeout(e2b::timeout_none));
    EXPECT_NO_THROW(e2b::RunCodeOptions().timeout(e2b::timeout_none));
    EXPECT_NO_THROW(e2b::ClientOptions().request_timeout(e2b::timeout_none));
}

// ---- cancelled from another thread, against a silent server ----

TEST(Cancel, ControlPlaneCallsToASilentServer) {
    const TestServer server;
    const e2b::Client client = client_with(server.url(), "");
    expect_cancelled("silent API: Client::create_sandbox",
                     [&](const e2b::CancelToken& token) { client.create_sandbox({}, token); });
    expect_cancelled("silent API: Client::list", [&](const e2b::CancelToken& token) { client.list({}, token); });
    expect_cancelled("silent API: Client::connect",
                     [&](const e2b::CancelToken& token) { client.connect("abc", {}, token); });
}

TEST(Cancel, CallsToASandboxWhoseEnvdIsSilent) {
    const TestServer server;
    const e2b::Client client = client_with("", server.url());
    const e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(120s));
    expect_cancelled("silent envd: Files::read",
                     [&](const e2b::CancelToken& token) { sandbox.files().read("/home/user/a.txt", token); });
    expect_cancelled("silent envd: Files::write",
                     [&](const e2b::CancelToken& token) { sandbox.files().write("/home/user/a.txt", "x", token); });
    expect_cancelled("silent envd: Commands::run",
                     [&](const e2b::CancelToken& token) { sandbox.commands().run("sleep 30", {}, {}, token); });
    expect_cancelled("silent envd: Sandbox::run_code",
                     [&](const e2b::CancelToken& token) { sandbox.run_code("1 + 1", {}, {}, token); });
    EXPECT_TRUE(sandbox.kill());
}

TEST(Cancel, AWatchOnASilentEnvd) {
    const TestServer server({"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n"
                             "{\"watcherId\":\"w-test\"}"});
    const e2b::Client client = client_with("", server.url());
    const e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(120s));
    const e2b::Watch watch = sandbox.files().watch_dir("/home/user");
    EXPECT_EQ(watch.id(), "w-test");
    expect_cancelled("silent envd: Watch::next_events", [&](const e2b::CancelToken& token) {
        watch.next_events(e2b::timeout_none, token);
    });
    EXPECT_TRUE(sandbox.kill());
}

TEST(Cancel, AWatchDestructorNeverWaitsForTheNetwork) {
    const TestServer server({"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n"
                             "{\"watcherId\":\"w-test\"}"});
    const e2b::Client client = client_with("", server.url());
    const e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(120s));
    std::optional<e2b::Watch> watch = sandbox.files().watch_dir("/home/user");
    const auto start = Clock::now();
    watch.reset();
    const auto took = Clock::now() - start;
    std::fprintf(stderr, "     %-52s returned in %7.1f ms\n", "silent envd: ~Watch", ms(took));
    EXPECT_LT(took, at_once);
    EXPECT_TRUE(sandbox.kill());
}

TEST(Cancel, AFileReaderWhoseTransferStalls) {
    const TestServer server({"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000"
                             "\r\n\r\nhello"});
    const e2b::Client client = client_with("", server.url());
    const e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(120s));
    e2b::FileReader reader = sandbox.files().open_read("/home/user/big.bin");
    uint8_t buffer[64];
    ASSERT_EQ(reader.read(buffer, sizeof buffer), 5u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer), 5), "hello");
    expect_cancelled("stalled transfer: FileReader::read",
                     [&](const e2b::CancelToken& token) { reader.read(buffer, sizeof buffer, token); });
    EXPECT_TRUE(sandbox.kill());
}

// ---- cancelled from another thread, against e2b-local ----

using CancelLocal = SandboxTest;

/// Sets `flag` at the first output: the run has its process's id by then (a
/// run cancelled before it cannot kill the process, which may have started).
e2b::OutputFn set_at_output(std::atomic<bool>& flag) {
    return [&flag](e2b::Stream, e2b::ByteView) { flag = true; };
}

TEST_F(CancelLocal, ACancelledRunKillsItsCommand) {
    const std::string cmd = "echo started; sleep 30 # " + unique();
    std::atomic<bool> started{false};
    expect_cancelled(
        "e2b-local: Commands::run(sleep 30)",
        [&](const e2b::CancelToken& token) { sandbox.commands().run(cmd, {}, set_at_output(started), token); },
        &started);
    EXPECT_TRUE(gone(sandbox, cmd));
}

TEST_F(CancelLocal, PullingAndWaitingOnABackgroundCommand) {
    const std::string cmd = "echo started; sleep 31 # " + unique();
    // The start's token is for the start only: the output still comes.
    const e2b::CancelToken start;
    const e2b::Command command = sandbox.commands().start(cmd, {}, start);
    start.cancel();
    const e2b::CommandEvent first = command.next_output(10s);
    ASSERT_TRUE(first.output.has_value());
    EXPECT_EQ(text(first.output->data), "started\n");

    expect_cancelled("e2b-local: Command::next_output", [&](const e2b::CancelToken& token) {
        command.next_output(e2b::timeout_none, token);
    });
    EXPECT_TRUE(running(sandbox, cmd));  // a cancelled pull leaves the command running
    expect_cancelled("e2b-local: Command::wait", [&](const e2b::CancelToken& token) { command.wait({}, token); });
    EXPECT_TRUE(gone(sandbox, cmd));  // a cancelled wait kills it
}

TEST_F(CancelLocal, OneTokenCancelsCallsInSeveralThreads) {
    const e2b::Command command = sandbox.commands().start("sleep 33");
    const e2b::Watch watch = sandbox.files().watch_dir("/home/user");
    const e2b::CancelToken token;
    std::atomic<int> cancelled{0};
    std::vector<std::thread> threads;
    threads.emplace_back([&, token] {
        reporting([&] {
            try {
                command.next_output(e2b::timeout_none, token);
            } catch (const e2b::CancelledError&) {
                ++cancelled;
            }
        });
    });
    threads.emplace_back([&, token] {
        reporting([&] {
            try {
                watch.next_events(e2b::timeout_none, token);
            } catch (const e2b::CancelledError&) {
                ++cancelled;
            }
        });
    });
    std::this_thread::sleep_for(cancel_after);
    token.cancel();
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(cancelled.load(), 2);
    // The handles still work.
    EXPECT_NO_THROW(watch.get_new_events());
    EXPECT_TRUE(command.kill());
}

TEST_F(CancelLocal, ATransferCancelledMidStream) {
    const std::vector<uint8_t> content(16 << 20, 0);
    sandbox.files().write("/home/user/big.bin", content);
    size_t received = 0;
    expect_cancelled("e2b-local: Files::read_stream (slow consumer)", [&](const e2b::CancelToken& token) {
        sandbox.files().read_stream(
            "/home/user/big.bin",
            [&](e2b::ByteView chunk) {
                received += chunk.size();
                std::this_thread::sleep_for(50ms);
            },
            {}, token);
    });
    EXPECT_LT(received, content.size());
}

// ---- a token cancelled before the call ----

TEST_F(CancelLocal, APreCancelledTokenFailsEveryCallAtOnceAndDoesNothing) {
    const e2b::CancelToken token;
    token.cancel();
    const std::string tag = unique();
    expect_cancelled_at_once("Client::create_sandbox", [&] {
        client.create_sandbox(e2b::SandboxOptions().metadata("tag", tag), token);
    });
    expect_cancelled_at_once("Files::write", [&] { sandbox.files().write("/home/user/never.txt", "x", token); });
    expect_cancelled_at_once("Commands::run",
                             [&] { sandbox.commands().run("touch /home/user/never.txt", {}, {}, token); });
    expect_cancelled_at_once("Files::read", [&] { sandbox.files().read("/home/user/never.txt", token); });
    expect_cancelled_at_once("Files::watch_dir", [&] { sandbox.files().watch_dir("/home/user", {}, token); });
    expect_cancelled_at_once("Files::download_url", [&] { sandbox.files().download_url("/x", {}, token); });
    expect_cancelled_at_once("Sandbox::set_timeout", [&] { sandbox.set_timeout(60s, token); });
    const std::string cmd = "sleep 32 # " + unique();
    const e2b::Command command = sandbox.commands().start(cmd);
    expect_cancelled_at_once("Command::kill", [&] { command.kill(token); });

    // Nothing was done.
    EXPECT_FALSE(sandbox.files().exists("/home/user/never.txt"));
    EXPECT_TRUE(client.list(e2b::SandboxQuery().metadata("tag", tag)).sandboxes.empty());
    EXPECT_TRUE(running(sandbox, cmd));

    // But a cancelled wait kills its command, even when cancelled before.
    expect_cancelled_at_once("Command::wait", [&] { command.wait({}, token); });
    EXPECT_TRUE(gone(sandbox, cmd));
}

// ---- std::stop_token (C++20) ----

#ifdef E2B_HPP_STOP_TOKEN

TEST_F(CancelLocal, AStopRequestCancelsACallInAJthread) {
    const std::string cmd = "echo started; sleep 34 # " + unique();
    std::atomic<bool> started{false};
    std::atomic<bool> cancelled{false};
    std::jthread worker([&](std::stop_token stop) {
        reporting([&] {
            try {
                sandbox.commands().run(cmd, {}, set_at_output(started), stop);
            } catch (const e2b::CancelledError&) {
                cancelled = true;
            }
        });
    });
    for (int i = 0; i < 400 && !started; ++i) {
        std::this_thread::sleep_for(50ms);
    }
    const auto start = Clock::now();
    worker.request_stop();
    worker.join();
    const auto took = Clock::now() - start;
    std::fprintf(stderr, "     %-52s stop requested -> returned in %7.1f ms\n", "e2b-local: Commands::run in a jthread",
                 ms(took));
    EXPECT_TRUE(cancelled.load());
    EXPECT_LT(took, prompt);
    EXPECT_TRUE(gone(sandbox, cmd));
}

TEST_F(CancelLocal, AStopSourceCancelsABlockedCall) {
    std::stop_source source;
    std::thread stopper([&] {
        std::this_thread::sleep_for(cancel_after);
        source.request_stop();
    });
    const e2b::Command command = sandbox.commands().start("sleep 35");
    EXPECT_THROW(command.next_output(e2b::timeout_none, source.get_token()), e2b::CancelledError);
    stopper.join();
    // A stop already requested fails the call at once.
    expect_cancelled_at_once("stop already requested: Files::read",
                             [&] { sandbox.files().read("/home/user/x", source.get_token()); });
    EXPECT_TRUE(command.kill());
}

TEST(StopToken, ATokenWithoutASourceCannotCancel) {
    EXPECT_EQ(e2b::CancelArg(std::stop_token()).raw(), nullptr);
    std::stop_source source;
    const e2b::CancelArg arg(source.get_token());
    ASSERT_NE(arg.raw(), nullptr);
    EXPECT_FALSE(e2b_cancel_is_cancelled(arg.raw()));
    source.request_stop();
    EXPECT_TRUE(e2b_cancel_is_cancelled(arg.raw()));
}

#endif  // E2B_HPP_STOP_TOKEN

// ---- error details ----

TEST(ErrorDetails, RetryAfterReachesTheException) {
    const TestServer server({"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Type: application/json\r\n"
                             "Content-Length: 34\r\n\r\n{\"code\":429,\"message\":\"slow down\"}"});
    const e2b::Client client = client_with(server.url(), "", 0);
    try {
        client.list();
        FAIL() << "a 429 was a success";
    } catch (const e2b::RateLimited& error) {
        EXPECT_EQ(error.retry_after(), 7s);
        EXPECT_EQ(error.http_status(), 429);
        EXPECT_EQ(error.callback_value(), 0);
    }
}

namespace {

int32_t stop_with_42(void*, e2b_stream, const uint8_t*, size_t) { return 42; }

}  // namespace

using ErrorDetailsLocal = SandboxTest;

TEST_F(ErrorDetailsLocal, CheckCarriesACCallbacksValue) {
    e2b_error* err = nullptr;
    e2b_command_result* result = nullptr;
    const e2b_error_code code =
        e2b_commands_run(sandbox.raw(), "echo hi", nullptr, stop_with_42, nullptr, &result, nullptr, &err);
    try {
        e2b::check(code, err);
        FAIL() << "the callback's stop was a success";
    } catch (const e2b::CallbackAborted& error) {
        EXPECT_EQ(error.callback_value(), 42);
        EXPECT_EQ(error.retry_after(), 0ms);
    }
    EXPECT_EQ(result, nullptr);
    EXPECT_NO_THROW(e2b::check(E2B_OK, nullptr));
    try {
        sandbox.files().read("/home/user/missing.txt");
        FAIL() << "read a missing file";
    } catch (const e2b::NotFound& error) {
        EXPECT_EQ(error.callback_value(), 0);
        EXPECT_EQ(error.retry_after(), 0ms);
    }
}
