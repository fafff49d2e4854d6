// Commands: run with output callbacks, options, background commands (wait,
// next_output, stdin, kill), listing and reattaching.
#include <algorithm>
#include <thread>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

class Commands : public SandboxTest {
protected:
    Commands() : SandboxTest(e2b::SandboxOptions().timeout(120s).env("SANDBOX_WIDE", "everywhere")) {}
};

}  // namespace

TEST_F(Commands, RunCollectsOutput) {
    std::string out;
    std::string err;
    const e2b::CommandResult result =
        sandbox.commands().run("echo hello; echo oops >&2", {}, [&](e2b::Stream stream, e2b::ByteView chunk) {
            (stream == e2b::Stream::Stdout ? out : err) += chunk.text();
        });
    EXPECT_EQ(result.exit_code(), 0);
    EXPECT_EQ(text(result.stdout_bytes()), "hello\n");
    EXPECT_EQ(text(result.stderr_bytes()), "oops\n");
    EXPECT_EQ(out, "hello\n");
    EXPECT_EQ(err, "oops\n");
    EXPECT_FALSE(result.error().has_value());
    EXPECT_NO_THROW(result.check());
    EXPECT_NE(result.raw(), nullptr);
}

TEST_F(Commands, OutputIsBytes) {
    const e2b::CommandResult result = sandbox.commands().run("printf '\\000\\377\\n'");
    EXPECT_EQ(result.stdout_bytes(), (std::vector<uint8_t>{0, 255, '\n'}));
}

TEST_F(Commands, ANonZeroExitIsAResult) {
    const e2b::CommandResult result = sandbox.commands().run("echo failing >&2; exit 3");
    EXPECT_EQ(result.exit_code(), 3);
    EXPECT_TRUE(result.error().has_value());
    try {
        result.check();
        FAIL() << "check() passed a failed command";
    } catch (const e2b::CommandExit& error) {
        EXPECT_NE(error.message().find('3'), std::string::npos) << error.what();
    }
}

TEST_F(Commands, OptionsSetEnvCwdAndUser) {
    const e2b::CommandResult result = sandbox.commands().run(
        "echo $FOO; pwd; echo $SANDBOX_WIDE", e2b::CommandOptions().env("FOO", "bar").cwd("/tmp").timeout(10s));
    EXPECT_EQ(text(result.stdout_bytes()), "bar\n/tmp\neverywhere\n");
    EXPECT_EQ(text(sandbox.commands().run("whoami", e2b::CommandOptions().user("root")).stdout_bytes()), "root\n");
    EXPECT_THROW(sandbox.commands().run("true", e2b::CommandOptions().cwd("/no/such/dir")), e2b::InvalidArgument);
}

TEST_F(Commands, ALifetimeThatPassesIsATimeout) {
    EXPECT_THROW(sandbox.commands().run("sleep 10", e2b::CommandOptions().timeout(500ms)), e2b::Timeout);
}

TEST_F(Commands, AnOutputCallbackExceptionKillsTheCommandAndComesOut) {
    EXPECT_THROW(sandbox.commands().run("echo marker-run; sleep 30",
                                        {}, [](e2b::Stream, e2b::ByteView) { throw Stop(); }),
                 Stop);
    const auto running = [this] {
        for (const auto& process : sandbox.commands().list()) {
            for (const auto& arg : process.args) {
                if (arg.find("marker-run") != std::string::npos) {
                    return true;
                }
            }
        }
        return false;
    };
    bool still_running = true;
    for (int i = 0; i < 50 && still_running; ++i, std::this_thread::sleep_for(100ms)) {
        still_running = running();
    }
    EXPECT_FALSE(still_running) << "the command was not killed";
}

TEST_F(Commands, StartThenWait) {
    const e2b::Command command = sandbox.commands().start("echo started; sleep 0.3; echo done");
    EXPECT_GT(command.pid(), 0u);
    std::string seen;
    const e2b::CommandResult result = command.wait([&](e2b::Stream, e2b::ByteView chunk) { seen += chunk.text(); });
    EXPECT_EQ(result.exit_code(), 0);
    EXPECT_EQ(text(result.stdout_bytes()), "started\ndone\n");
    EXPECT_EQ(seen, "started\ndone\n");
}

TEST_F(Commands, AWaitCallbackExceptionComesOut) {
    const e2b::Command command = sandbox.commands().start("echo marker-wait; sleep 30");
    EXPECT_THROW(command.wait([](e2b::Stream, e2b::ByteView) { throw Stop(); }), Stop);
}

TEST_F(Commands, NextOutputPullsChunksThenTheExit) {
    const e2b::Command command = sandbox.commands().start("echo one; sleep 0.2; echo two >&2; exit 4");
    std::string out;
    std::string err;
    std::optional<e2b::CommandResult> exit;
    for (int i = 0; i < 50 && !exit; ++i) {
        e2b::CommandEvent event = command.next_output(1s);
        if (event.output) {
            (event.output->stream == e2b::Stream::Stdout ? out : err) += text(event.output->data);
        }
        exit = std::move(event.exit);
    }
    ASSERT_TRUE(exit.has_value());
    EXPECT_EQ(exit->exit_code(), 4);
    EXPECT_EQ(out, "one\n");
    EXPECT_EQ(err, "two\n");
    const e2b::CommandEvent again = command.next_output(0ms);
    ASSERT_TRUE(again.exit.has_value());
    EXPECT_EQ(again.exit->exit_code(), 4);
}

TEST_F(Commands, NextOutputReturnsNothingWhenNothingCame) {
    const e2b::Command command = sandbox.commands().start("sleep 5");
    const e2b::CommandEvent event = command.next_output(100ms);
    EXPECT_FALSE(event.output.has_value());
    EXPECT_FALSE(event.exit.has_value());
    command.kill();
}

TEST_F(Commands, StdinReachesTheCommand) {
    const e2b::Command command = sandbox.commands().start("cat", e2b::CommandOptions().stdin_open(true));
    command.send_stdin("hello ");
    sandbox.commands().send_stdin(command.pid(), std::vector<uint8_t>{'w', 'o', 'r', 'l', 'd'});
    command.close_stdin();
    EXPECT_EQ(text(command.wait().stdout_bytes()), "hello world");

    const e2b::Command other = sandbox.commands().start("wc -c", e2b::CommandOptions().stdin_open(true));
    other.send_stdin("12345");
    sandbox.commands().close_stdin(other.pid());
    EXPECT_EQ(text(other.wait().stdout_bytes()), "5\n");
}

TEST_F(Commands, StdinErrors) {
    const e2b::Command closed = sandbox.commands().start("sleep 5");
    EXPECT_THROW(closed.send_stdin("x"), e2b::ApiError);
    closed.kill();
    EXPECT_THROW(sandbox.commands().send_stdin(999999, "x"), e2b::NotFound);
    EXPECT_THROW(sandbox.commands().close_stdin(999999), e2b::NotFound);
}

TEST_F(Commands, KillEndsACommand) {
    const e2b::Command command = sandbox.commands().start("sleep 30");
    EXPECT_TRUE(command.kill());
    const e2b::CommandResult result = command.wait();
    EXPECT_NE(result.exit_code(), 0);
    EXPECT_FALSE(command.kill());

    const e2b::Command other = sandbox.commands().start("sleep 30");
    EXPECT_TRUE(sandbox.commands().kill(other.pid()));
    other.wait();  // until it has ended, a second kill may still find it
    EXPECT_FALSE(sandbox.commands().kill(other.pid()));
    EXPECT_FALSE(sandbox.commands().kill(999999));
}

TEST_F(Commands, ListsAndReconnects) {
    uint32_t pid = 0;
    {
        const e2b::Command command =
            sandbox.commands().start("sleep 0.5; echo after", e2b::CommandOptions().env("MARK", "listed"));
        pid = command.pid();
    }  // the handle goes; the command runs on

    const auto processes = sandbox.commands().list();
    const auto found = std::find_if(processes.begin(), processes.end(),
                                    [pid](const e2b::ProcessInfo& process) { return process.pid == pid; });
    ASSERT_NE(found, processes.end());
    EXPECT_FALSE(found->cmd.empty());
    EXPECT_TRUE(std::any_of(found->args.begin(), found->args.end(),
                            [](const std::string& arg) { return arg.find("echo after") != std::string::npos; }));
    EXPECT_EQ(found->envs.at("MARK"), "listed");
    EXPECT_EQ(found->envs.count("NO_SUCH_VARIABLE"), 0u);

    const e2b::Command reattached = sandbox.commands().connect(pid);
    EXPECT_EQ(reattached.pid(), pid);
    const e2b::CommandResult result = reattached.wait();
    EXPECT_EQ(result.exit_code(), 0);
    EXPECT_EQ(text(result.stdout_bytes()), "after\n");
    EXPECT_THROW(sandbox.commands().connect(999999), e2b::NotFound);
}

TEST_F(Commands, OneCommandServesSeveralThreads) {
    const e2b::Command command = sandbox.commands().start("cat", e2b::CommandOptions().stdin_open(true));
    std::string output;
    std::thread waiter([&] { reporting([&] { output = text(command.wait().stdout_bytes()); }); });
    std::vector<std::thread> writers;
    for (int i = 0; i < 3; ++i) {
        writers.emplace_back([&command] { reporting([&] { command.send_stdin("x"); }); });
    }
    for (auto& writer : writers) {
        writer.join();
    }
    command.close_stdin();
    waiter.join();
    EXPECT_EQ(output, "xxx");
}

TEST_F(Commands, AMovedFromCommandIsSafe) {
    e2b::Command command = sandbox.commands().start("sleep 30");
    e2b::Command moved = std::move(command);
    EXPECT_EQ(command.raw(), nullptr);
    EXPECT_NE(moved.raw(), nullptr);
    EXPECT_THROW(command.pid(), e2b::NullArgument);
    EXPECT_THROW(command.kill(), e2b::NullArgument);
    EXPECT_THROW(command.wait(), e2b::NullArgument);
    EXPECT_TRUE(moved.kill());

    e2b::CommandResult result = sandbox.commands().run("true");
    e2b::CommandResult kept = std::move(result);
    EXPECT_THROW(result.exit_code(), e2b::NullArgument);
    EXPECT_THROW(result.stdout_bytes(), e2b::NullArgument);
    EXPECT_THROW(result.stderr_bytes(), e2b::NullArgument);
    EXPECT_THROW(result.error(), e2b::NullArgument);
    EXPECT_EQ(kept.exit_code(), 0);
}
