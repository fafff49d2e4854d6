// Git: a local repository with a bare one as its remote (init, config,
// status, add, commit, branches, remotes, push, clone, pull), typed results
// and typed errors.
#include "testing.hpp"

using namespace testing_e2b;

namespace {

using Git = SandboxTest;

const char* const repo = "/home/user/repo";

std::string sh(const e2b::Sandbox& sandbox, const std::string& cmd) {
    const e2b::CommandResult result = sandbox.commands().run(cmd);
    result.check();
    return text(result.stdout_bytes());
}

}  // namespace

TEST_F(Git, LocalRepository) {
    const e2b::Git git = sandbox.git();
    git.init("/home/user/remote.git", e2b::GitOptions().bare(true).initial_branch("main"));
    git.init(repo, e2b::GitOptions().initial_branch("main"));
    git.configure_user("Ada", "ada@example.com", repo, e2b::GitOptions().scope(e2b::GitConfigScope::Local));
    EXPECT_EQ(git.get_config("user.name", repo, e2b::GitOptions().scope(e2b::GitConfigScope::Local)), "Ada");
    EXPECT_FALSE(git.get_config("e2b.unset").has_value());

    sandbox.files().write("/home/user/repo/a file.txt", "one\n");
    e2b::GitStatus status = git.status(repo);
    EXPECT_EQ(status.current_branch, "main");
    EXPECT_FALSE(status.upstream.has_value());
    ASSERT_EQ(status.file_status.size(), 1u);
    EXPECT_EQ(status.file_status[0].name, "a file.txt");
    EXPECT_EQ(status.file_status[0].status, e2b::GitFileChange::Untracked);
    EXPECT_EQ(status.file_status[0].status_name(), "untracked");
    EXPECT_EQ(status.file_status[0].index_status, '?');
    EXPECT_EQ(status.untracked_count(), 1u);

    git.add(repo, e2b::GitOptions().file("a file.txt"));
    status = git.status(repo);
    ASSERT_EQ(status.file_status.size(), 1u);
    EXPECT_EQ(status.file_status[0].status, e2b::GitFileChange::Added);
    EXPECT_TRUE(status.file_status[0].staged);
    EXPECT_TRUE(status.has_staged());
    const e2b::CommandResult committed = git.commit(repo, "first", e2b::GitOptions().author("Bob", "bob@example.com"));
    EXPECT_NE(text(committed.stdout_bytes()).find("first"), std::string::npos);
    EXPECT_EQ(sh(sandbox, "git -C /home/user/repo log -1 --format=%an"), "Bob\n");
    EXPECT_THROW(git.commit(repo, "nothing"), e2b::CommandExit);
    git.commit(repo, "empty", e2b::GitOptions().allow_empty(true));

    git.create_branch(repo, "feature");
    e2b::GitBranches branches = git.branches(repo);
    EXPECT_EQ(branches.branches, (std::vector<std::string>{"feature", "main"}));
    EXPECT_EQ(branches.current_branch, "feature");
    git.checkout_branch(repo, "main");
    git.delete_branch(repo, "feature", e2b::GitOptions().force(true));
    branches = git.branches(repo);
    EXPECT_EQ(branches.branches, (std::vector<std::string>{"main"}));
    EXPECT_EQ(branches.current_branch, "main");

    EXPECT_FALSE(git.remote_get(repo, "origin").has_value());
    EXPECT_THROW(git.pull(repo), e2b::GitUpstreamError);
    git.remote_add(repo, "origin", "/home/user/remote.git");
    EXPECT_EQ(git.remote_get(repo, "origin"), "/home/user/remote.git");
    EXPECT_THROW(git.push(repo), e2b::GitUpstreamError);
    git.push(repo, e2b::GitOptions().remote("origin").branch("main"));
    status = git.status(repo);
    EXPECT_EQ(status.upstream, "origin/main");
    EXPECT_EQ(status.ahead, 0u);

    git.clone("file:///home/user/remote.git", e2b::GitOptions().path("/home/user/copy").branch("main").depth(1));
    EXPECT_EQ(sh(sandbox, "git -C /home/user/copy rev-list --count HEAD"), "1\n");
    sandbox.files().write("/home/user/repo/a file.txt", "two\n");
    git.add(repo);
    git.commit(repo, "second");
    EXPECT_EQ(git.status(repo).ahead, 1u);
    git.push(repo);
    git.pull("/home/user/copy");
    EXPECT_EQ(text(sandbox.files().read("/home/user/copy/a file.txt")), "two\n");
}

TEST_F(Git, TypedErrors) {
    const e2b::Git git = sandbox.git();
    EXPECT_THROW(git.status("/tmp"), e2b::NotFound);
    EXPECT_THROW(git.clone("/home/user/none.git", e2b::GitOptions().path("/tmp/none")), e2b::NotFound);
    EXPECT_THROW(e2b::GitOptions().credentials("ada", nullptr), e2b::InvalidArgument);
    EXPECT_THROW(git.set_config("a.b", "c", nullptr, e2b::GitOptions().scope(e2b::GitConfigScope::Local)),
                 e2b::InvalidArgument);
    try {
        git.clone("http://127.0.0.1:1/x.git", e2b::GitOptions().path("/tmp/x"));
        FAIL() << "no server there";
    } catch (const e2b::CommandExit& error) {
        EXPECT_NE(std::string(error.what()).find("127.0.0.1"), std::string::npos) << error.what();
    }
    e2b::CancelToken token;
    token.cancel();
    EXPECT_THROW(git.status("/tmp", {}, token), e2b::CancelledError);
}

TEST_F(Git, ResetAndRestore) {
    const e2b::Git git = sandbox.git();
    const char* const undo = "/home/user/undo";
    const std::string file = "/home/user/undo/f.txt";
    auto read = [&] { return text(sandbox.files().read(file)); };
    git.init(undo, e2b::GitOptions().initial_branch("main"));
    for (const char* content : {"one\n", "two\n"}) {
        sandbox.files().write(file, content);
        git.add(undo);
        git.commit(undo, content, e2b::GitOptions().author("Ada", "ada@example.com"));
    }

    sandbox.files().write(file, "edited\n");
    git.restore(undo, e2b::GitOptions().file("f.txt"));
    EXPECT_EQ(read(), "two\n");
    sandbox.files().write(file, "staged\n");
    git.add(undo);
    EXPECT_EQ(git.status(undo).staged_count(), 1u);
    git.restore(undo, e2b::GitOptions().file(".").staged(true));
    EXPECT_EQ(git.status(undo).staged_count(), 0u);
    EXPECT_EQ(read(), "staged\n");
    git.restore(undo, e2b::GitOptions().file("f.txt").source("HEAD~1"));
    EXPECT_EQ(read(), "one\n");

    git.reset(undo, e2b::GitOptions().reset_mode(e2b::GitResetMode::Hard));
    EXPECT_TRUE(git.status(undo).is_clean());
    git.reset(undo, e2b::GitOptions().reset_mode(e2b::GitResetMode::Soft).target("HEAD~1"));
    EXPECT_EQ(git.status(undo).staged_count(), 1u);
    EXPECT_EQ(read(), "two\n");

    EXPECT_THROW(git.restore(undo), e2b::InvalidArgument);
    EXPECT_THROW(git.restore(undo, e2b::GitOptions().file(".").staged(false).worktree(false)), e2b::InvalidArgument);
    EXPECT_THROW(git.reset(undo, e2b::GitOptions().target("no-such-ref")), e2b::CommandExit);
    EXPECT_THROW(e2b::GitOptions().reset_mode(static_cast<e2b::GitResetMode>(42)), e2b::InvalidArgument);
}
