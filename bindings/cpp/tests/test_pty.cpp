// Terminals (create, send_stdin, resize, connect, kill, callback and pull
// forms), input streams, retained output and attach limits.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

class Pty : public SandboxTest {};

/// Pulls a terminal's output until it holds `needle`.
std::string read_until(const e2b::Command& shell, const std::string& needle) {
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (seen.find(needle) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) {
            ADD_FAILURE() << "no \"" << needle << "\" in \"" << seen << "\"";
            return seen;
        }
        const e2b::CommandEvent event = shell.next_output(200ms);
        if (event.exit) {
            ADD_FAILURE() << "the shell ended before \"" << needle << "\": " << seen;
            return seen;
        }
        if (event.output) {
            EXPECT_EQ(event.output->stream, e2b::Stream::Pty);
            seen += std::string(event.output->data.begin(), event.output->data.end());
        }
    }
    return seen;
}

}  // namespace

TEST_F(Pty, AShellRunsInATerminalAndResizes) {
    const e2b::Pty pty = sandbox.pty();
    const e2b::Command shell = pty.create({24, 80});
    EXPECT_TRUE(shell.is_pty());
    shell.send_stdin("stty size; echo ready-$((6 * 7))\n");
    EXPECT_NE(read_until(shell, "ready-42").find("24 80\r\n"), std::string::npos);
    pty.resize(shell.pid(), {30, 100});
    pty.send_stdin(shell.pid(), "stty size\n");
    read_until(shell, "30 100\r\n");

    const e2b::InputStream input = pty.open_input(shell.pid(), e2b::InputOptions().keepalive_interval(100ms));
    EXPECT_TRUE(input.streaming());
    input.write("echo str");
    std::this_thread::sleep_for(350ms);
    input.write("eamed-$((5 * 5))\n");
    input.close();
    EXPECT_THROW(input.close(), e2b::InvalidArgument);
    read_until(shell, "streamed-25");
    pty.stream_input(shell.pid(), std::vector<std::string>{"echo iter", "ated-$((4 * 4))\n"});
    read_until(shell, "iterated-16");

    shell.send_stdin("exit 3\n");
    const e2b::CommandResult result = shell.wait();
    EXPECT_EQ(result.exit_code(), 3);
    EXPECT_TRUE(result.stdout_bytes().empty());
}

TEST_F(Pty, OptionsCallbacksConnectAndKill) {
    const e2b::Pty pty = sandbox.pty();
    const e2b::Command shell = pty.create(
        {24, 80}, e2b::PtyOptions().env("GREETING", "hi").env("LANG", "C").cwd("/tmp").user("root").timeout(30s));
    const e2b::Command attached = pty.connect(shell.pid(), e2b::ConnectOptions().timeout(30s));
    EXPECT_TRUE(attached.is_pty());
    shell.send_stdin("echo \"<$GREETING $(pwd) $(whoami) $LANG $TERM>\"; exit\n");
    std::string screen;
    const e2b::CommandResult result = shell.wait([&](e2b::Stream stream, e2b::ByteView chunk) {
        EXPECT_EQ(stream, e2b::Stream::Pty);
        screen += chunk.text();
    });
    EXPECT_EQ(result.exit_code(), 0);
    EXPECT_NE(screen.find("<hi /tmp root C xterm-256color>"), std::string::npos) << screen;
    attached.wait();

    const e2b::Command other = pty.create({5, 5});
    EXPECT_TRUE(pty.kill(other.pid()));
    EXPECT_EQ(other.wait().exit_code(), -1);
    EXPECT_FALSE(pty.kill(other.pid()));
}

TEST_F(Pty, ErrorsAreTyped) {
    const e2b::Pty pty = sandbox.pty();
    EXPECT_THROW(pty.create({0, 80}), e2b::InvalidArgument);
    EXPECT_THROW(pty.send_stdin(999999, "x"), e2b::NotFound);
    EXPECT_THROW(pty.resize(999999, {5, 5}), e2b::NotFound);
    EXPECT_THROW(pty.connect(999999), e2b::NotFound);
    EXPECT_THROW(pty.open_input(999999), e2b::NotFound);
    EXPECT_THROW(sandbox.commands().open_input(999999), e2b::NotFound);
    EXPECT_THROW(e2b::InputOptions().keepalive_interval(e2b::timeout_none), e2b::InvalidArgument);
}

TEST_F(Pty, StdinStreamsRetainedOutputAndAttachLimits) {
    const e2b::Commands commands = sandbox.commands();
    const e2b::Command cat = commands.start("cat", e2b::CommandOptions().stdin_open(true));
    commands.stream_input(cat.pid(), std::vector<std::string>{"one ", "two\n"}, e2b::InputOptions().timeout(10s));
    const e2b::InputStream input = commands.open_input(cat.pid());
    input.write(std::string("a\0b\n", 4));
    input.close();
    cat.close_stdin();
    EXPECT_EQ(text(cat.wait().stdout_bytes()), std::string("one two\na\0b\n", 12));

    std::string seen;
    const e2b::CommandResult quiet = commands.run("echo hidden", e2b::CommandOptions().retain_output(false),
                                                  [&](e2b::Stream, e2b::ByteView chunk) { seen += chunk.text(); });
    EXPECT_TRUE(quiet.stdout_bytes().empty());
    EXPECT_EQ(seen, "hidden\n");

    const e2b::Command sleeper = commands.start("sleep 30");
    const e2b::Command attached =
        commands.connect(sleeper.pid(), e2b::ConnectOptions().timeout(500ms).retain_output(false));
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(attached.wait(), e2b::Timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(sleeper.kill());
}
