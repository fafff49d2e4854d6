// Snapshots and fork: take one, start a sandbox from it, list by sandbox and
// name with paging, delete; fork into running copies; and the errors.
#include <algorithm>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

e2b::Sandbox short_sandbox(const e2b::Client& client) {
    return client.create_sandbox(e2b::SandboxOptions().timeout(120s));
}

std::string read(const e2b::Sandbox& sandbox, const std::string& path) { return text(sandbox.files().read(path)); }

}  // namespace

TEST(Snapshots, KeepTheFilesOfTheirMomentAndStartSandboxes) {
    const e2b::Client client;
    e2b::Sandbox source = short_sandbox(client);
    source.files().write("/home/user/before.txt", "written before");
    const e2b::SnapshotInfo info = source.create_snapshot();
    ASSERT_EQ(info.snapshot_id.size(), 28u) << info.snapshot_id;
    EXPECT_EQ(info.snapshot_id.substr(20), ":default");
    EXPECT_TRUE(info.names.empty());
    source.files().write("/home/user/after.txt", "written after");

    e2b::Sandbox copy = client.create_sandbox(e2b::SandboxOptions().template_name(info.snapshot_id).timeout(60s));
    EXPECT_EQ(read(copy, "/home/user/before.txt"), "written before");
    EXPECT_FALSE(copy.files().exists("/home/user/after.txt"));

    EXPECT_TRUE(client.delete_snapshot(info.snapshot_id));
    EXPECT_FALSE(client.delete_snapshot(info.snapshot_id));
    try {
        client.create_sandbox(e2b::SandboxOptions().template_name(info.snapshot_id));
        FAIL() << "created a sandbox from a deleted snapshot";
    } catch (const e2b::NotFound& error) {
        EXPECT_EQ(error.http_status(), 404);
    }
    EXPECT_EQ(read(copy, "/home/user/before.txt"), "written before") << "a sandbox from it runs on";
    copy.kill();
    source.kill();
}

TEST(Snapshots, NamedOnesListByNameAndPagesGoNewestFirst) {
    const e2b::Client client;
    e2b::Sandbox sandbox = short_sandbox(client);
    const std::string name = unique("cpp");
    const e2b::SnapshotInfo named = client.create_snapshot(
        sandbox.id(), e2b::SnapshotOptions().name(name).mode(e2b::SnapshotMode::Filesystem));
    EXPECT_EQ(named.snapshot_id, "local/" + name + ":default");
    EXPECT_EQ(named.names, std::vector<std::string>{"local/" + name});
    const e2b::SnapshotInfo tagged =
        sandbox.create_snapshot(e2b::SnapshotOptions().name(name + ":v2").mode(e2b::SnapshotMode::Full));
    EXPECT_EQ(tagged.snapshot_id, "local/" + name + ":v2");
    EXPECT_EQ(client.list_snapshots(e2b::SnapshotQuery().name(name)).snapshots.size(), 2u);
    EXPECT_EQ(client.list_snapshots(e2b::SnapshotQuery().name(name + ":v2")).snapshots.size(), 1u);
    EXPECT_TRUE(client.list_snapshots(e2b::SnapshotQuery().name(unique("none"))).snapshots.empty());

    std::vector<std::string> made;
    for (int i = 0; i < 3; ++i) {
        made.push_back(sandbox.create_snapshot().snapshot_id);
    }
    std::vector<std::string> listed;
    e2b::SnapshotPage page = sandbox.list_snapshots(e2b::SnapshotQuery().limit(2));
    int pages = 1;
    for (;;) {
        for (const e2b::SnapshotInfo& s : page.snapshots) {
            listed.push_back(s.snapshot_id);
        }
        if (!page.next_token) {
            break;
        }
        page = sandbox.list_snapshots(e2b::SnapshotQuery().limit(2).next_token(*page.next_token));
        ++pages;
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(listed, (std::vector<std::string>{made[2], made[1], made[0], tagged.snapshot_id, named.snapshot_id}));
    const e2b::SnapshotPage by_id = client.list_snapshots(e2b::SnapshotQuery().sandbox_id(sandbox.id()));
    EXPECT_EQ(by_id.snapshots.size(), 5u);
    EXPECT_FALSE(by_id.next_token);

    for (const std::string& id : made) {
        EXPECT_TRUE(client.delete_snapshot(id));
    }
    EXPECT_TRUE(client.delete_snapshot(name));
    EXPECT_TRUE(sandbox.list_snapshots().snapshots.empty());
    sandbox.kill();
}

TEST(Fork, MakesIndependentRunningCopies) {
    const e2b::Client client;
    e2b::Sandbox source = short_sandbox(client);
    source.files().write("/home/user/shared.txt", "from the source");
    std::vector<e2b::ForkResult> forks = source.fork(e2b::ForkOptions().count(2).timeout(60s));
    ASSERT_EQ(forks.size(), 2u);
    for (size_t i = 0; i < forks.size(); ++i) {
        ASSERT_TRUE(forks[i].ok());
        e2b::Sandbox& fork = forks[i].value();
        EXPECT_NE(fork.id(), source.id());
        EXPECT_EQ(read(fork, "/home/user/shared.txt"), "from the source");
        fork.files().write("/home/user/shared.txt", "fork " + std::to_string(i));
    }
    EXPECT_NE(forks[0].value().id(), forks[1].value().id());
    EXPECT_EQ(read(forks[1].value(), "/home/user/shared.txt"), "fork 1");
    EXPECT_EQ(read(source, "/home/user/shared.txt"), "from the source");
    for (e2b::ForkResult& fork : forks) {
        fork.value().kill();
    }

    std::vector<e2b::ForkResult> defaults = client.fork(source.id());
    ASSERT_EQ(defaults.size(), 1u);
    const e2b::SandboxInfo info = defaults[0].value().get_info();
    EXPECT_EQ(info.state, e2b::SandboxState::Running);
    defaults[0].value().kill();
    source.kill();
}

TEST(Snapshots, ErrorsAreTyped) {
    const e2b::Client client;
    const std::string unknown(20, 'a');
    EXPECT_THROW(client.create_snapshot(unknown), e2b::SandboxNotFound);
    EXPECT_THROW(client.fork(unknown), e2b::SandboxNotFound);
    EXPECT_THROW(e2b::ForkOptions().count(21), e2b::InvalidArgument);
    EXPECT_THROW(e2b::ForkOptions().timeout(e2b::timeout_none), e2b::InvalidArgument);
    EXPECT_THROW(e2b::SnapshotOptions().mode(static_cast<e2b::SnapshotMode>(9)), e2b::InvalidArgument);
    EXPECT_THROW(client.list_snapshots(e2b::SnapshotQuery().next_token("garbage!")), e2b::InvalidArgument);
    EXPECT_THROW(client.list_snapshots(e2b::SnapshotQuery().limit(101)), e2b::InvalidArgument);
    try {
        client.delete_snapshot("base");
        FAIL() << "deleted base";
    } catch (const e2b::PermissionDenied& error) {
        EXPECT_EQ(error.http_status(), 403);
    }

    e2b::Sandbox sandbox = short_sandbox(client);
    EXPECT_THROW(sandbox.create_snapshot(e2b::SnapshotOptions().name("Has Spaces")), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.fork(e2b::ForkOptions().timeout(std::chrono::hours(25))), e2b::InvalidArgument);
    e2b::CancelToken token;
    token.cancel();
    EXPECT_THROW(sandbox.fork({}, token), e2b::CancelledError);

    EXPECT_TRUE(sandbox.pause());
    EXPECT_THROW(sandbox.create_snapshot(), e2b::SandboxNotFound);
    try {
        sandbox.fork();
        FAIL() << "forked a paused sandbox";
    } catch (const e2b::Conflict& error) {
        EXPECT_EQ(error.http_status(), 409);
        EXPECT_NE(std::string(error.what()).find("paused and cannot be forked"), std::string::npos);
    }
    sandbox.kill();
}
