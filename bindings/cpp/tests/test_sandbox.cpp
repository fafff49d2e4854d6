// Sandbox lifecycle: create, describe, kill, pause and resume, connect,
// list with paging; handles across moves and threads.
#include <cstdlib>
#include <set>
#include <thread>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

/// The environment's settings, stated explicitly.
e2b::ClientOptions options_from_env() {
    e2b::ClientOptions options;
    options.api_key(std::getenv("E2B_API_KEY"))
        .api_url(std::getenv("E2B_API_URL"))
        .sandbox_url(std::getenv("E2B_SANDBOX_URL"))
        .header("X-Test", "cpp")
        .debug(false)
        .request_timeout(30s)
        .max_retries(1);
    return options;
}

}  // namespace

TEST(Client, TakesExplicitOptions) {
    const e2b::Client client(options_from_env());
    e2b::Sandbox sandbox = client.create_sandbox();
    EXPECT_FALSE(sandbox.id().empty());
    EXPECT_TRUE(sandbox.kill());
}

TEST(Client, AWrongApiKeyIsAnAuthenticationError) {
    const e2b::Client client(options_from_env().api_key("e2b_wrong"));
    try {
        client.create_sandbox();
        FAIL() << "created a sandbox with a wrong key";
    } catch (const e2b::AuthenticationError& error) {
        EXPECT_EQ(error.http_status(), 401);
    }
}

TEST(Client, AnUnknownTemplateIsNotFound) {
    const e2b::Client client;
    EXPECT_THROW(client.create_sandbox(e2b::SandboxOptions().template_name("no-such-template")), e2b::NotFound);
}

TEST(Client, UnknownSandboxesAreNotFound) {
    const e2b::Client client;
    EXPECT_THROW(client.connect("nosuchsandbox"), e2b::SandboxNotFound);
    EXPECT_THROW(client.resume("nosuchsandbox"), e2b::SandboxNotFound);
    EXPECT_THROW(client.get_info("nosuchsandbox"), e2b::SandboxNotFound);
    EXPECT_FALSE(client.kill("nosuchsandbox"));
}

TEST(Sandbox, CreatesWithOptionsAndDescribesItself) {
    const e2b::Client client;
    const std::string tag = unique();
    e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions()
                                                     .template_name("base")
                                                     .timeout(120s)
                                                     .metadata("tag", tag)
                                                     .env("GREETING", "hello")
                                                     .secure(true)
                                                     .allow_internet_access(true)
                                                     .auto_pause(false));
    EXPECT_FALSE(sandbox.id().empty());
    EXPECT_FALSE(sandbox.template_id().empty());
    EXPECT_FALSE(sandbox.envd_version().empty());
    EXPECT_EQ(sandbox.get_host(3000).rfind("3000-" + sandbox.id() + ".", 0), 0u) << sandbox.get_host(3000);
    EXPECT_TRUE(sandbox.is_running());

    const e2b::SandboxInfo info = sandbox.get_info();
    EXPECT_EQ(info.sandbox_id, sandbox.id());
    EXPECT_EQ(info.template_id, sandbox.template_id());
    EXPECT_EQ(info.envd_version, sandbox.envd_version());
    EXPECT_EQ(info.state, e2b::SandboxState::Running);
    EXPECT_EQ(info.metadata.at("tag"), tag);
    EXPECT_FALSE(info.started_at.empty());
    EXPECT_FALSE(info.end_at.empty());
    EXPECT_GT(info.cpu_count, 0u);
    EXPECT_GT(info.memory_mb, 0u);

    const e2b::SandboxInfo by_id = client.get_info(sandbox.id());
    EXPECT_EQ(by_id.sandbox_id, sandbox.id());
    EXPECT_EQ(by_id.metadata, info.metadata);
    EXPECT_TRUE(sandbox.kill());
}

TEST(Sandbox, AnIdempotencyKeyMakesOneSandbox) {
    const e2b::Client client;
    e2b::SandboxOptions options;
    options.idempotency_key(unique("key")).timeout(60s);
    e2b::Sandbox first = client.create_sandbox(options);
    e2b::Sandbox second = client.create_sandbox(options);
    EXPECT_EQ(first.id(), second.id());
    first.kill();
    EXPECT_THROW(client.create_sandbox(e2b::SandboxOptions().idempotency_key("Not a key!")), e2b::InvalidArgument);
}

TEST(Sandbox, KillReportsWhetherItWasThere) {
    const e2b::Client client;
    e2b::Sandbox sandbox = client.create_sandbox();
    EXPECT_TRUE(sandbox.kill());
    EXPECT_FALSE(sandbox.kill());
    EXPECT_FALSE(client.kill(sandbox.id()));
    EXPECT_FALSE(sandbox.is_running());
    EXPECT_THROW(sandbox.get_info(), e2b::SandboxNotFound);
    EXPECT_THROW(client.connect(sandbox.id()), e2b::SandboxNotFound);
    EXPECT_THROW(sandbox.files().read("/home/user/x"), e2b::SandboxGone);
}

TEST(Sandbox, KillById) {
    const e2b::Client client;
    e2b::Sandbox sandbox = client.create_sandbox();
    EXPECT_TRUE(client.kill(sandbox.id()));
    EXPECT_FALSE(sandbox.is_running());
}

TEST(Sandbox, PausesAndResumesWithItsFiles) {
    const e2b::Client client;
    e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(120s));
    const std::string id = sandbox.id();
    sandbox.files().write("/home/user/kept.txt", "kept");

    EXPECT_TRUE(sandbox.pause());
    EXPECT_FALSE(sandbox.pause());  // already paused: not an error
    EXPECT_FALSE(sandbox.is_running());
    EXPECT_EQ(client.get_info(id).state, e2b::SandboxState::Paused);
    EXPECT_THROW(sandbox.files().read("/home/user/kept.txt"), e2b::SandboxGone);

    e2b::Sandbox resumed = client.resume(id, 60s);
    EXPECT_EQ(resumed.id(), id);
    EXPECT_TRUE(resumed.is_running());
    EXPECT_EQ(text(resumed.files().read("/home/user/kept.txt")), "kept");

    bool was_paused = true;
    e2b::Sandbox connected = client.connect(id, 60s, was_paused);
    EXPECT_FALSE(was_paused);

    connected.pause();
    connected = client.connect(id, 60s, was_paused);
    EXPECT_TRUE(was_paused);
    EXPECT_EQ(text(connected.files().read("/home/user/kept.txt")), "kept");
    EXPECT_TRUE(client.connect(id).is_running());
    connected.kill();
}

TEST(Sandbox, LifecycleModesPauseOptionsAndReboot) {
    const e2b::Client client;
    e2b::SandboxOptions bad;
    EXPECT_THROW(bad.on_timeout(e2b::OnTimeout::Kill, e2b::PauseMode::Full), e2b::InvalidArgument);
    bad.on_timeout(e2b::OnTimeout::Pause, e2b::PauseMode::Filesystem).auto_resume(true);
    EXPECT_THROW(client.create_sandbox(bad), e2b::InvalidArgument);

    e2b::SandboxOptions options;
    options.timeout(120s).on_timeout(e2b::OnTimeout::Pause, e2b::PauseMode::Full).auto_resume(true);
    options.allow_internet_access(false);
    e2b::Sandbox sandbox = client.create_sandbox(options);
    const std::string id = sandbox.id();
    e2b::SandboxInfo info = sandbox.get_info();
    EXPECT_EQ(info.on_timeout, e2b::OnTimeout::Pause);
    EXPECT_TRUE(info.auto_resume);
    EXPECT_EQ(info.pause_mode, e2b::PauseMode::Default);
    EXPECT_FALSE(info.envd_unresponsive_at_pause);
    EXPECT_EQ(info.allow_internet_access, std::optional<bool>(false));
    ASSERT_TRUE(info.network.has_value());
    EXPECT_TRUE(info.network->allow_out.empty());
    EXPECT_EQ(info.network->rules_json, "{}");

    sandbox.files().write("/home/user/kept.txt", "kept");
    EXPECT_TRUE(sandbox.pause(e2b::PauseOptions{e2b::PauseMode::Filesystem, true}));
    EXPECT_FALSE(client.pause(id));
    EXPECT_EQ(client.get_info(id).pause_mode, e2b::PauseMode::Filesystem);
    sandbox.connect(60s, e2b::OnResume::Reboot);
    EXPECT_EQ(text(sandbox.files().read("/home/user/kept.txt")), "kept");
    EXPECT_TRUE(client.pause(id, e2b::PauseOptions{e2b::PauseMode::Full, false}));
    bool resumed = false;
    e2b::Sandbox again = client.connect(id, 60s, e2b::OnResume::Restore, &resumed);
    EXPECT_TRUE(resumed);
    EXPECT_THROW(sandbox.connect(60s, static_cast<e2b::OnResume>(7)), e2b::InvalidArgument);
    EXPECT_THROW(client.pause("nosuchsandbox", e2b::PauseOptions{e2b::PauseMode::Default, true}),
                 e2b::SandboxNotFound);
    sandbox.kill();
}

TEST(Sandbox, SetTimeoutMovesTheEnd) {
    const e2b::Client client;
    e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(60s));
    const std::string end = sandbox.get_info().end_at;
    sandbox.set_timeout(600s);
    EXPECT_NE(sandbox.get_info().end_at, end);
    sandbox.set_timeout(1ms);  // rounded up to a second; then it ends (the server needs a moment)
    bool running = true;
    for (int i = 0; i < 100 && running; ++i, std::this_thread::sleep_for(100ms)) {
        running = sandbox.is_running();
    }
    EXPECT_FALSE(running);
}

TEST(Sandbox, ListsByMetadataAndStateInPages) {
    const e2b::Client client;
    const std::string tag = unique();
    std::vector<e2b::Sandbox> sandboxes;
    std::set<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        sandboxes.push_back(client.create_sandbox(e2b::SandboxOptions().timeout(120s).metadata("tag", tag)));
        ids.insert(sandboxes.back().id());
    }

    std::set<std::string> listed;
    e2b::SandboxQuery query;
    query.metadata("tag", tag).limit(2);
    e2b::SandboxPage page = client.list(query);
    EXPECT_EQ(page.sandboxes.size(), 2u);
    ASSERT_TRUE(page.next_token.has_value());
    for (const auto& info : page.sandboxes) {
        listed.insert(info.sandbox_id);
    }
    page = client.list(query.next_token(*page.next_token));
    EXPECT_EQ(page.sandboxes.size(), 1u);
    EXPECT_FALSE(page.next_token.has_value());
    for (const auto& info : page.sandboxes) {
        listed.insert(info.sandbox_id);
        EXPECT_EQ(info.metadata.at("tag"), tag);
    }
    EXPECT_EQ(listed, ids);

    sandboxes[0].pause();
    page = client.list(e2b::SandboxQuery().metadata("tag", tag).state(e2b::SandboxState::Paused));
    ASSERT_EQ(page.sandboxes.size(), 1u);
    EXPECT_EQ(page.sandboxes[0].sandbox_id, sandboxes[0].id());
    EXPECT_EQ(page.sandboxes[0].state, e2b::SandboxState::Paused);
    page = client.list(e2b::SandboxQuery().metadata("tag", tag).state(e2b::SandboxState::Running));
    EXPECT_EQ(page.sandboxes.size(), 2u);

    bool found = false;
    for (const auto& info : client.list().sandboxes) {
        found = found || info.sandbox_id == sandboxes[1].id();
    }
    EXPECT_TRUE(found);
    for (auto& sandbox : sandboxes) {
        sandbox.kill();
    }
}

TEST(Sandbox, ListsInOrderByTemplateAndStartTime) {
    const e2b::Client client;
    const std::string tag = unique();
    e2b::Sandbox first = client.create_sandbox(e2b::SandboxOptions().timeout(120s).metadata("tag", tag));
    e2b::Sandbox second =
        client.create_sandbox(e2b::SandboxOptions().template_name("code-interpreter-v1").timeout(120s).metadata("tag", tag));
    const auto ids = [&](e2b::SandboxQuery& query) {
        std::vector<std::string> out;
        for (const auto& info : client.list(query.metadata("tag", tag)).sandboxes) out.push_back(info.sandbox_id);
        return out;
    };
    const std::vector<std::string> newest_first{second.id(), first.id()};
    e2b::SandboxQuery all;
    EXPECT_EQ(ids(all), newest_first);
    e2b::SandboxQuery asc;
    EXPECT_EQ(ids(asc.order(e2b::ListOrder::Asc)), (std::vector<std::string>{first.id(), second.id()}));
    e2b::SandboxQuery by_template;
    EXPECT_EQ(ids(by_template.template_name("code-interpreter-v1")), std::vector<std::string>{second.id()});
    e2b::SandboxQuery since;
    EXPECT_EQ(ids(since.started_after(client.get_info(second.id()).started_at)), std::vector<std::string>{second.id()});

    e2b::SandboxPage page = client.list(e2b::SandboxQuery().metadata("tag", tag).limit(1));
    EXPECT_EQ(page.total_running, std::optional<uint64_t>(2));
    page = client.list(e2b::SandboxQuery().metadata("tag", tag).state(e2b::SandboxState::Paused));
    EXPECT_FALSE(page.total_running.has_value());
    EXPECT_THROW(client.list(e2b::SandboxQuery().template_name("base:v1")), e2b::InvalidArgument);
    EXPECT_THROW(e2b::SandboxQuery().order(static_cast<e2b::ListOrder>(9)), e2b::InvalidArgument);
    first.kill();
    second.kill();
}

TEST(Sandbox, AMovedFromHandleIsSafe) {
    const e2b::Client client;
    e2b::Sandbox sandbox = client.create_sandbox();
    const std::string id = sandbox.id();
    e2b::Sandbox moved = std::move(sandbox);
    EXPECT_EQ(moved.id(), id);
    EXPECT_EQ(sandbox.raw(), nullptr);
    EXPECT_THROW(sandbox.id(), e2b::NullArgument);
    EXPECT_THROW(sandbox.template_id(), e2b::NullArgument);
    EXPECT_THROW(sandbox.envd_version(), e2b::NullArgument);
    EXPECT_THROW(sandbox.get_host(3000), e2b::NullArgument);
    EXPECT_THROW(sandbox.kill(), e2b::NullArgument);
    EXPECT_THROW(sandbox.files().read("/x"), e2b::NullArgument);
    EXPECT_THROW(sandbox.commands().list(), e2b::NullArgument);
    sandbox = std::move(moved);
    EXPECT_TRUE(sandbox.kill());
}

TEST(Sandbox, OutlivesItsClient) {
    std::optional<e2b::Client> client(std::in_place);
    e2b::Sandbox sandbox = client->create_sandbox();
    client.reset();
    sandbox.files().write("/home/user/after.txt", "still here");
    EXPECT_EQ(text(sandbox.files().read("/home/user/after.txt")), "still here");
    EXPECT_TRUE(sandbox.kill());
}

TEST(Threads, OneClientServesSeveralThreads) {
    const e2b::Client client;
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&client, &good, i] {
            reporting([&] {
                e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(60s));
                const std::string content = "thread " + std::to_string(i);
                sandbox.files().write("/home/user/t.txt", content);
                good += text(sandbox.files().read("/home/user/t.txt")) == content;
                good += sandbox.kill();
            });
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(good.load(), 8);
}

TEST(Threads, OneSandboxServesSeveralThreads) {
    const e2b::Client client;
    const e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().timeout(60s));
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&sandbox, &good, i] {
            const std::string path = "/home/user/" + std::to_string(i) + ".txt";
            for (int round = 0; round < 5; ++round) {
                const std::string content = std::to_string(i * 100 + round);
                reporting([&] {
                    sandbox.files().write(path, content);
                    good += text(sandbox.files().read(path)) == content;
                });
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(good.load(), 20);
    sandbox.kill();
}

namespace {

/// What a call may take beyond its deadline (the sanitizers slow calls).
constexpr auto deadline_margin = 1500ms;

/// Runs `call`, which must throw e2b::Timeout for the call's deadline within
/// `deadline` plus the margin of `start`.
template <typename Call>
void expect_deadline(Call&& call, std::chrono::steady_clock::time_point start, std::chrono::milliseconds deadline) {
    try {
        call();
        ADD_FAILURE() << "the call outlived its deadline";
    } catch (const e2b::Timeout& error) {
        EXPECT_NE(std::string(error.what()).find("deadline"), std::string::npos) << error.what();
    }
    EXPECT_LE(std::chrono::steady_clock::now() - start, deadline + deadline_margin);
}

}  // namespace

using Deadline = SandboxTest;

TEST_F(Deadline, ASandboxViewEndsAStalledCallAndTheCommandsItStarts) {
    std::optional<e2b::Sandbox> view = sandbox.with_deadline(1500ms);
    EXPECT_EQ(view->id(), sandbox.id());
    auto start = std::chrono::steady_clock::now();
    expect_deadline([&] { view->commands().run("sleep 30"); }, start, 1500ms);
    // Each call has its own deadline; the original has none.
    EXPECT_EQ(view->commands().run("true").exit_code(), 0);
    EXPECT_EQ(sandbox.commands().run("sleep 2").exit_code(), 0);

    // A command started through the view ends with the start call's deadline,
    // even after the view is gone.
    start = std::chrono::steady_clock::now();
    const e2b::Command command = view->commands().start("sleep 30");
    view.reset();
    expect_deadline([&] { command.wait(); }, start, 1500ms);
    command.kill();
}

TEST_F(Deadline, ZeroAndTimeoutNoneLiftTheDeadlineAndNegativeThrows) {
    const e2b::Sandbox lifted = sandbox.with_deadline(300ms).with_deadline(0ms);
    EXPECT_EQ(lifted.commands().run("sleep 1").exit_code(), 0);
    const e2b::Sandbox unlimited = sandbox.with_deadline(300ms).with_deadline(e2b::timeout_none);
    EXPECT_EQ(unlimited.commands().run("sleep 1").exit_code(), 0);
    EXPECT_THROW(sandbox.with_deadline(-1ms), std::invalid_argument);
    EXPECT_THROW(client.with_deadline(-1ms), std::invalid_argument);
}

TEST_F(Deadline, SandboxesMadeThroughAClientViewCarryItsDeadline) {
    std::optional<e2b::Client> other{std::in_place};
    std::optional<e2b::Client> view = other->with_deadline(3000ms);
    other.reset();
    const e2b::Sandbox made = view->connect(sandbox.id());
    view.reset();
    const auto start = std::chrono::steady_clock::now();
    expect_deadline([&] { made.commands().run("sleep 30"); }, start, 3000ms);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 2900ms);
}

TEST(ClientDeadline, AViewOfAMovedFromHandleThrows) {
    e2b::Client client;
    const e2b::Client moved = std::move(client);
    EXPECT_THROW(client.with_deadline(1s), e2b::NullArgument);  // NOLINT(bugprone-use-after-move)
    EXPECT_NO_THROW(moved.with_deadline(1s));
}
