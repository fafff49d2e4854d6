// The E2B quickstart in C++: create a sandbox, write and read a file, run
// code, cancel a long command from another thread, watch a directory, upload
// and download, pause, resume by id, find it in the list and connect to it,
// kill it, and show that a killed sandbox cannot be resumed.
//
// Uses E2B_API_KEY (and E2B_API_URL / E2B_SANDBOX_URL for e2b-local) from the
// environment. Build: see bindings/cpp/README.md.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "e2b.hpp"

using namespace std::chrono_literals;

int main() try {
    const e2b::Client client;

    // Create a sandbox with the code interpreter, alive for five minutes.
    e2b::Sandbox sandbox = client.create_sandbox(e2b::SandboxOptions()
                                                     .template_name("code-interpreter-v1")
                                                     .timeout(300s)
                                                     .metadata("example", "cpp-quickstart"));
    const std::string id = sandbox.id();
    std::cout << "created sandbox " << id << "\n";

    // Write a file and read it back: contents are bytes.
    sandbox.files().write("/home/user/hello.txt", "Hello from C++!\n");
    const std::vector<uint8_t> hello = sandbox.files().read("/home/user/hello.txt");
    std::cout << "read back: " << std::string(hello.begin(), hello.end());

    // Run code; output reaches the callbacks as it comes.
    e2b::ExecutionCallbacks print;
    print.on_stdout = [](const e2b::OutputMessage& chunk) { std::cout << "stdout: " << chunk.text; };
    const e2b::Execution run =
        sandbox.run_code("import math\nprint('hello from Python')\nmath.factorial(10)", {}, print);
    std::cout << "result: " << run.text.value_or("(none)") << "\n";

    // Cancel a long command from another thread: the call throws
    // e2b::CancelledError at once, and the command is killed.
    const e2b::CancelToken cancel;
    std::thread canceller([cancel] {
        std::this_thread::sleep_for(500ms);
        cancel.cancel();
    });
    try {
        sandbox.commands().run("sleep 60", {}, {}, cancel);
    } catch (const e2b::CancelledError& error) {
        std::cout << "cancelled: " << error.what() << "\n";
    } catch (...) {
        canceller.join();
        throw;
    }
    canceller.join();

    // Watch a directory while a file appears in it.
    sandbox.files().make_dir("/home/user/watched");
    e2b::Watch watch = sandbox.files().watch_dir("/home/user/watched");
    sandbox.files().write("/home/user/watched/new.txt", "new");
    for (const e2b::FsEvent& event : watch.next_events(5s)) {
        std::cout << "watched: " << event.name << " changed\n";
    }
    watch.stop();

    // Upload a local file and download it again.
    const std::filesystem::path local = std::filesystem::temp_directory_path() / ("e2b-quickstart-" + id);
    std::ofstream(local) << "uploaded from C++\n";
    sandbox.files().upload_file(local, "/home/user/uploaded.txt");
    sandbox.files().download_file("/home/user/uploaded.txt", local.string() + ".back");
    std::cout << "downloaded: " << std::ifstream(local.string() + ".back").rdbuf();
    std::filesystem::remove(local);
    std::filesystem::remove(local.string() + ".back");

    // Pause it: the filesystem and memory are kept.
    sandbox.pause();
    std::cout << "paused sandbox " << id << "\n";

    // Resume it by id, for another minute, and read the file again.
    sandbox = client.resume(id, 60s);
    const std::vector<uint8_t> again = sandbox.files().read("/home/user/hello.txt");
    std::cout << "after resume: " << std::string(again.begin(), again.end());

    // Find it among the running sandboxes and connect to it.
    const e2b::SandboxPage page = client.list(
        e2b::SandboxQuery().state(e2b::SandboxState::Running).metadata("example", "cpp-quickstart"));
    for (const e2b::SandboxInfo& info : page.sandboxes) {
        const e2b::Sandbox connected = client.connect(info.sandbox_id);
        std::cout << "listed and connected: " << connected.id() << " (ends " << info.end_at << ")\n";
    }

    // Kill it; resuming it now fails with e2b::SandboxNotFound.
    sandbox.kill();
    std::cout << "killed sandbox " << id << "\n";
    try {
        client.resume(id);
        std::cerr << "a killed sandbox came back\n";
        return 1;
    } catch (const e2b::SandboxNotFound& error) {
        std::cout << "resume after kill: " << error.what() << "\n";
    }
    return 0;
} catch (const e2b::Error& error) {
    std::cerr << "failed: " << error.what() << " (" << e2b::error_code_name(error.code()) << ", HTTP "
              << error.http_status() << ")\n";
    return 1;
}
