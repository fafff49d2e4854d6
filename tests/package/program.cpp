// A first program of a C++ user of the libe2b archive, through the C header:
// creates a sandbox, writes a file and reads it back, runs a command on it,
// kills the sandbox and sees that it is gone. tests/package/c.sh builds it
// against the unpacked archive in each way the README gives and runs it
// against e2b-local.
//
//   program NAME    (NAME says how it was built; it goes into the file)
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <e2b.h>

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Client = Owned<e2b_client, e2b_client_free>;
using Sandbox = Owned<e2b_sandbox, e2b_sandbox_free>;
using SandboxOptions = Owned<e2b_sandbox_options, e2b_sandbox_options_free>;
using CommandResult = Owned<e2b_command_result, e2b_command_result_free>;
using SandboxInfo = Owned<e2b_sandbox_info, e2b_sandbox_info_free>;

struct Error : std::runtime_error {
    e2b_error_code code;
    Error(e2b_error_code c, const std::string& what) : std::runtime_error(what), code(c) {}
};

// Throws the error of a failed call.
void check(e2b_error_code code, e2b_error* err, const char* what) {
    if (code == E2B_OK) {
        return;
    }
    std::string message = std::string(what) + " failed: " + e2b_error_message(err) + " (" + e2b_error_code_name(code) + ")";
    e2b_error_free(err);
    throw Error(code, message);
}

std::string read(const e2b_sandbox* sandbox, const std::string& path) {
    e2b_error* err = nullptr;
    e2b_bytes bytes{};
    check(e2b_files_read(sandbox, path.c_str(), nullptr, &bytes, nullptr, &err), err, "e2b_files_read");
    std::string text(reinterpret_cast<const char*>(bytes.data), bytes.len);
    e2b_bytes_dispose(&bytes);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string name = argc > 1 ? argv[1] : "program";
    try {
        if (e2b_abi_version() != E2B_ABI_VERSION || std::strcmp(e2b_version(), E2B_VERSION) != 0) {
            throw std::runtime_error("the library does not match its header");
        }
        e2b_error* err = nullptr;
        e2b_client* raw_client = nullptr;
        check(e2b_client_new(nullptr, &raw_client, &err), err, "e2b_client_new");
        Client client(raw_client);

        SandboxOptions options(e2b_sandbox_options_new());
        check(e2b_sandbox_options_set_timeout_ms(options.get(), 60000, &err), err, "set timeout");
        e2b_sandbox* raw_sandbox = nullptr;
        check(e2b_client_create_sandbox(client.get(), options.get(), &raw_sandbox, nullptr, &err), err,
              "e2b_client_create_sandbox");
        Sandbox sandbox(raw_sandbox);
        const std::string id = e2b_sandbox_id(sandbox.get());

        const std::string text = "written by " + name + "\n";
        const std::string path = "/home/user/package.txt";
        check(e2b_files_write(sandbox.get(), path.c_str(), reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                              nullptr, nullptr, &err),
              err, "e2b_files_write");
        if (read(sandbox.get(), path) != text) {
            throw std::runtime_error("the file read back differs from the one written");
        }

        // The sandbox's shell sees the same file.
        e2b_command_result* raw_result = nullptr;
        check(e2b_commands_run(sandbox.get(), "cat package.txt", nullptr, nullptr, nullptr, &raw_result, nullptr, &err),
              err, "e2b_commands_run");
        CommandResult result(raw_result);
        check(e2b_command_result_check(result.get(), &err), err, "cat");
        size_t len = 0;
        const uint8_t* out = e2b_command_result_stdout(result.get(), &len);
        if (std::string(reinterpret_cast<const char*>(out), len) != text) {
            throw std::runtime_error("cat printed something else than the file");
        }

        bool killed = false;
        check(e2b_sandbox_kill(sandbox.get(), &killed, nullptr, &err), err, "e2b_sandbox_kill");
        sandbox.reset();
        if (!killed) {
            throw std::runtime_error("the sandbox was gone before it was killed");
        }
        try {
            e2b_sandbox_info* raw_info = nullptr;
            check(e2b_client_get_sandbox_info(client.get(), id.c_str(), &raw_info, nullptr, &err), err,
                  "e2b_client_get_sandbox_info");
            SandboxInfo info(raw_info);
            throw std::runtime_error("the killed sandbox is still there");
        } catch (const Error& e) {
            if (e.code != E2B_ERR_SANDBOX_NOT_FOUND) {
                throw;
            }
        }
        std::cout << name << ": libe2b " << e2b_version() << ": created, wrote, read, ran and killed sandbox " << id
                  << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << "\n";
        return 1;
    }
}
