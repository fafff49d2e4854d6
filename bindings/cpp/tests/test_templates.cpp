// Template builds: a template with a Python package installed from a local
// source tree and a start command, a sandbox from it, status, tags, errors.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}


}  // namespace

TEST(Templates, BuildWithALocalPackageAndStartASandbox) {
    const e2b::Client client;
    const auto dir = std::filesystem::temp_directory_path() / unique("e2b-cpp-template");
    write_file(dir / "greet/pyproject.toml",
               "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
               "[project]\nname = \"greet\"\nversion = \"0.1.0\"\n");
    write_file(dir / "greet/greet/__init__.py", "def hello(name):\n    return f'hello {name}'\n");
    write_file(dir / "app.py",
               "import greet, pathlib, time\npathlib.Path('/tmp/started').write_text(greet.hello('cpp'))\n"
               "time.sleep(3600)\n");
    const std::string name = unique("cpp-greeter");
    e2b::Template tpl;
    tpl.file_context_path(dir.string())
        .from_template("code-interpreter-v1")
        .copy("greet", "/opt/greet/")
        .copy("app.py", "/home/user/app/", "", 0755)
        .run_cmd("pip install --no-index --no-build-isolation /opt/greet", "root")
        .set_envs({{"GREETING", "hi"}})
        .set_workdir("/home/user/app")
        .set_start_cmd("python3 app.py", "test -e /tmp/started");
    std::vector<std::string> messages;
    const e2b::BuildInfo info =
        tpl.build(client, name, {}, [&](const e2b::BuildLogEntry& entry) { messages.push_back(entry.message); });
    bool installed = false;
    for (const auto& m : messages) {
        installed = installed || m.find("Successfully installed greet") != std::string::npos;
    }
    EXPECT_TRUE(installed);
    EXPECT_EQ(info.name, name);
    ASSERT_EQ(info.tags.size(), 1u);
    EXPECT_TRUE(e2b::Template::exists(client, name));
    {
        e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions().template_name(name).timeout(60s));
        EXPECT_EQ(text(sandbox.files().read("/tmp/started")), "hello cpp");
        sandbox.kill();
    }
    const e2b::BuildStatusInfo status = e2b::Template::get_build_status(client, info);
    EXPECT_EQ(status.status, e2b::BuildStatus::Ready);
    EXPECT_FALSE(status.log_entries.empty());

    e2b::Template::assign_tags(client, name + ":default", {"prod"});
    EXPECT_EQ(e2b::Template::get_tags(client, name).size(), 2u);
    e2b::Template::remove_tags(client, name, {"prod"});
    EXPECT_EQ(e2b::Template::get_tags(client, name).size(), 1u);
    EXPECT_TRUE(e2b::Template::delete_template(client, name));
    EXPECT_FALSE(e2b::Template::exists(client, name));
    std::filesystem::remove_all(dir);
}

TEST(Templates, Errors) {
    const e2b::Client client;
    e2b::Template failing;
    failing.from_template("base").run_cmd("exit 8");
    try {
        failing.build(client, unique("cpp-fails"));
        FAIL() << "the build succeeded";
    } catch (const e2b::BuildError& error) {
        EXPECT_NE(std::string(error.what()).find("exit code 8"), std::string::npos) << error.what();
    }
    const e2b::BuildInfo info = failing.build_in_background(client, unique("cpp-fails"));
    e2b::BuildStatusInfo status;
    for (int i = 0; i < 600; i++) {
        status = e2b::Template::get_build_status(client, info);
        if (status.status == e2b::BuildStatus::Error) break;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(status.reason_step, "1");
    e2b::Template image;
    image.from_image("python:3.12");
    EXPECT_THROW(image.build(client, unique("cpp-nopull")), e2b::BuildError);
    e2b::Template stopping;
    stopping.from_template("base").run_cmd("echo x");
    EXPECT_THROW(stopping.build(client, unique("cpp-stop"), {},
                                [](const e2b::BuildLogEntry&) { throw std::runtime_error("stop"); }),
                 std::runtime_error);
    e2b::Template missing;
    missing.file_context_path("/nonexistent-context").copy("missing", "/x");
    EXPECT_THROW(missing.build(client, unique("cpp-missing")), e2b::InvalidArgument);
}
