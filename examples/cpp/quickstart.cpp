// The E2B story in C++, top to bottom: a custom template built with the
// template builder, a sandbox from it, code with rich results, a command, a watched directory, a folder uploaded and
// downloaded back with a progress bar, pause, resume by id with a new
// timeout, list and connect from a second client, kill, and the error a
// killed sandbox's id gives.
//
//   quickstart [TEMPLATE]
//
// TEMPLATE (else E2B_TEMPLATE) must have the code interpreter, as E2B's
// code-interpreter-v1 and every e2b-local template do; without either, the
// quickstart builds its own template "quickstart" from code-interpreter-v1 (a
// welcome file, an environment variable) and starts from it.
// Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from the
// environment. Build: see examples/cpp/CMakeLists.txt.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iomanip>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "e2b.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Draws a progress bar naming the file in flight.
e2b::DirProgressFn progress_bar(std::string verb) {
    return [verb](const e2b::DirProgress& p) {
        const uint64_t percent = p.total ? 100 * p.done / p.total : 100;
        std::cout << "\r  " << verb << " [" << std::left << std::setw(20) << std::string(percent / 5, '#') << "] "
                  << std::right << std::setw(3) << percent << "%  file " << p.index + 1 << " of " << p.count << ": "
                  << std::left << std::setw(40) << p.path << std::right << std::flush;
    };
}

// What happened to a watched path, by name.
const char* event_name(e2b::EventType type) {
    switch (type) {
        case e2b::EventType::Create: return "create";
        case e2b::EventType::Write: return "write";
        case e2b::EventType::Remove: return "remove";
        case e2b::EventType::Rename: return "rename";
        case e2b::EventType::Chmod: return "chmod";
        case e2b::EventType::Other: break;
    }
    return "other";
}

std::string text(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

}  // namespace

int main(int argc, char** argv) try {
    std::string template_id = argc > 1 ? argv[1] : "";
    if (template_id.empty() && std::getenv("E2B_TEMPLATE") != nullptr) {
        template_id = std::getenv("E2B_TEMPLATE");
    }
    const e2b::Client client;

    // 0. Without a template named, build one: the code interpreter's, with a welcome.
    if (template_id.empty()) {
        template_id = "quickstart";
        e2b::Template builder;
        builder.from_template("code-interpreter-v1")
            .run_cmd("echo 'Welcome to a sandbox made from the template the quickstart built.' > /home/user/welcome.txt")
            .set_envs({{"QUICKSTART", "1"}});
        builder.build(client, template_id, {},
                      [](const e2b::BuildLogEntry& entry) { std::cout << "  build: " << entry.message << "\n"; });
        std::cout << "built template " << template_id << "\n";
    }

    // 1. A sandbox from the template, alive for five minutes, tagged so we can find it.
    e2b::Sandbox sandbox = client.create_sandbox(
        e2b::SandboxOptions().template_name(template_id).timeout(5min).metadata("example", "cpp-quickstart"));
    const std::string id = sandbox.id();
    std::cout << "created sandbox " << id << " from template " << template_id << "\n";

    // What the template put in the sandbox (the quickstart's own template has a welcome).
    if (sandbox.files().exists("/home/user/welcome.txt")) {
        std::cout << "the template says: " << text(sandbox.files().read("/home/user/welcome.txt"));
    }

    // 2. Run code: output as it comes, then the value in every format it has.
    const char* code = R"(import math
print(f'pi is {math.pi:.5f}')
class Circle:
    def __repr__(self): return 'a circle of radius 2'
    def _repr_html_(self): return '<svg><circle r="2"/></svg>'
Circle()
)";
    e2b::ExecutionCallbacks print;
    print.on_stdout = [](const e2b::OutputMessage& chunk) { std::cout << "  python says: " << chunk.text; };
    for (const e2b::ExecutionResult& result : sandbox.run_code(code, {}, print).results) {
        for (const auto& [format, value] : result.formats) {
            std::cout << "  result as " << format << ": " << value << "\n";
        }
    }

    // 3. Run a command.
    std::cout << "command says: " << text(sandbox.commands().run("echo \"$(whoami) in $(pwd)\"").stdout_bytes());

    // A CancelToken ends a call from another thread at once, and the command
    // with it (in C++20 a std::stop_token does the same).
    const e2b::CancelToken cancel;
    auto canceller = std::async(std::launch::async, [cancel] {
        std::this_thread::sleep_for(500ms);
        cancel.cancel();
    });
    try {
        sandbox.commands().run("sleep 30", {}, {}, cancel);
    } catch (const e2b::CancelledError& error) {
        std::cout << "cancelled: " << error.what() << "\n";
    }

    // 4. Watch a directory while files appear in it.
    sandbox.files().make_dir("/home/user/inbox");
    const e2b::Watch watch = sandbox.files().watch_dir("/home/user/inbox");
    sandbox.commands().run("echo hi > inbox/note.txt && mv inbox/note.txt inbox/kept.txt");
    for (const e2b::FsEvent& event : watch.next_events(2s)) {
        std::cout << "  watched: " << event_name(event.type) << " " << event.name << "\n";
    }
    watch.stop();

    // 5. Upload a local folder, and download it back, with a progress bar.
    const fs::path local = fs::temp_directory_path() / ("e2b-quickstart-" + id);
    fs::create_directories(local / "project" / "src");
    std::ofstream(local / "project" / "README.md") << "# A project\n";
    std::ofstream(local / "project" / "src" / "main.py") << "print('hello')\n";
    std::ofstream(local / "project" / "src" / "data.csv") << "x,y\n1,2\n3,4\n";
    size_t count = sandbox.files().upload_dir(local / "project", "/home/user/project", progress_bar("upload"));
    std::cout << "\nuploaded " << count << " files\n";
    count = sandbox.files().download_dir("/home/user/project", local / "back", progress_bar("download"));
    std::cout << "\ndownloaded " << count << " files into " << (local / "back").string() << "\n";
    fs::remove_all(local);

    // 6. Pause: files and memory are kept; only the id is needed to come back.
    sandbox.pause();
    std::cout << "paused sandbox " << id << "\n";

    // 7. Resume it by id, now for ten minutes, and find the project again.
    sandbox = client.resume(id, 10min);
    const e2b::SandboxInfo info = sandbox.get_info();
    const bool kept = sandbox.files().exists("/home/user/project/src/main.py");
    std::cout << "resumed: the project is " << (kept ? "there" : "gone") << ", the sandbox ends " << info.end_at
              << "\n";

    // 8. A second client (another program, say) lists it and connects to it by id.
    const e2b::Client other;
    const e2b::SandboxPage page = other.list(e2b::SandboxQuery().metadata("example", "cpp-quickstart"));
    for (const e2b::SandboxInfo& listed : page.sandboxes) {
        std::cout << "listed: " << listed.sandbox_id << " (template " << listed.template_id << ")\n";
    }
    const e2b::Sandbox connected = other.connect(id);
    std::cout << "connected from a second client: running " << (connected.is_running() ? "yes" : "no") << "\n";

    // 9. Kill it; its id is then unknown.
    sandbox.kill();
    std::cout << "killed sandbox " << id << "\n";
    try {
        other.resume(id);
        std::cerr << "a killed sandbox came back\n";
        return 1;
    } catch (const e2b::SandboxNotFound& error) {
        std::cout << "resume after kill: " << e2b::error_code_name(error.code()) << " (" << error.what() << ")\n";
    }
    return 0;
} catch (const e2b::Error& error) {
    std::cerr << "failed: " << error.what() << " (" << e2b::error_code_name(error.code()) << ")\n";
    return 1;
}
