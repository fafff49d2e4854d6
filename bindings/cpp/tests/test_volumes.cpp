// Volumes: the control plane (create, connect, get_info, list, destroy), the
// volume content API, and a volume mounted into two sandboxes in turn.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

/// A volume for one test, destroyed at its end.
class VolumeTest : public ::testing::Test {
protected:
    VolumeTest() : volume(e2b::Volume::create(client, unique("vol"))) {}

    ~VolumeTest() override {
        try {
            e2b::Volume::destroy(client, volume.volume_id());
        } catch (const e2b::Error&) {
            // Destroyed by the test itself.
        }
    }

    e2b::Client client;
    e2b::Volume volume;
};

}  // namespace

TEST_F(VolumeTest, ControlPlane) {
    EXPECT_FALSE(volume.volume_id().empty());
    EXPECT_FALSE(volume.token().empty());
    try {
        e2b::Volume::create(client, volume.name());
        FAIL() << "created a volume with a taken name";
    } catch (const e2b::InvalidArgument& error) {
        EXPECT_EQ(error.http_status(), 400);
        EXPECT_NE(std::string(error.what()).find("already exists"), std::string::npos) << error.what();
    }
    EXPECT_THROW(e2b::Volume::create(client, "not valid"), e2b::InvalidArgument);

    const auto all = e2b::Volume::list(client);
    const auto found = std::find_if(all.begin(), all.end(), [&](const e2b::VolumeInfo& info) {
        return info.volume_id == volume.volume_id();
    });
    ASSERT_NE(found, all.end());
    EXPECT_EQ(found->name, volume.name());
    EXPECT_FALSE(found->token);

    const e2b::VolumeInfo info = e2b::Volume::get_info(client, volume.volume_id());
    EXPECT_EQ(info.name, volume.name());
    EXPECT_TRUE(info.token && !info.token->empty());
    EXPECT_FALSE(info.domain);
    EXPECT_EQ(e2b::Volume::connect(client, volume.volume_id()).name(), volume.name());

    EXPECT_TRUE(e2b::Volume::destroy(client, volume.volume_id()));
    EXPECT_FALSE(e2b::Volume::destroy(client, volume.volume_id()));
    EXPECT_THROW(e2b::Volume::connect(client, volume.volume_id()), e2b::NotFound);
}

TEST_F(VolumeTest, Content) {
    const std::string data("hello from C++\0\xff", 16);
    const e2b::VolumeEntry written = volume.write_file("/hello.bin", data);
    EXPECT_EQ(written.name, "hello.bin");
    EXPECT_EQ(written.type, e2b::FileType::File);
    EXPECT_EQ(written.size, 16);
    EXPECT_EQ(written.uid, 1000u);
    EXPECT_FALSE(written.target);
    EXPECT_EQ(volume.read_file("/hello.bin"), data);
    EXPECT_EQ(volume.read_bytes("/hello.bin"), bytes(data));

    const e2b::VolumeEntry dir = volume.make_dir("/a/b", e2b::VolumeWriteOptions().force(true).mode(0750));
    EXPECT_EQ(dir.type, e2b::FileType::Dir);
    EXPECT_EQ(dir.mode, 0750u);
    EXPECT_THROW(volume.make_dir("/x/y"), e2b::NotFound);
    EXPECT_THROW(volume.make_dir("/a"), e2b::Conflict);
    volume.write_file("/a/b/c.txt", "c");

    std::vector<std::string> paths;
    for (const auto& entry : volume.list_dir("/", 3)) {
        paths.push_back(entry.path);
    }
    EXPECT_EQ(paths, (std::vector<std::string>{"/a", "/a/b", "/a/b/c.txt", "/hello.bin"}));
    EXPECT_EQ(volume.list_dir("/").size(), 2u);
    EXPECT_TRUE(volume.exists("/a/b/c.txt"));
    EXPECT_FALSE(volume.exists("/nope"));
    EXPECT_EQ(volume.update_metadata("/a/b/c.txt", e2b::VolumeWriteOptions().mode(0600)).mode, 0600u);
    const e2b::VolumeEntry info = volume.get_entry_info("/a/b/c.txt");
    EXPECT_EQ(info.size, 1);
    EXPECT_EQ(info.mode, 0600u);

    volume.remove("/a");
    EXPECT_THROW(volume.remove("/a"), e2b::NotFound);
    EXPECT_THROW(volume.read_file("/../../etc/passwd"), e2b::InvalidArgument);
    e2b::CancelToken cancel;
    cancel.cancel();
    EXPECT_THROW(volume.exists("/", cancel), e2b::CancelledError);

    e2b::Volume moved = std::move(volume);
    EXPECT_THROW(volume.name(), e2b::NullArgument);  // NOLINT(bugprone-use-after-move): the point
    volume = std::move(moved);
}

TEST_F(VolumeTest, Streams) {
    // A few MiB each way, compared byte by byte, with progress.
    const size_t size = (5 << 20) + 3;
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) {
        data[i] = static_cast<char>(i * 7 % 251);
    }
    std::istringstream in(data);
    uint64_t last_done = 0, last_total = 0;
    const e2b::ProgressFn record = [&](uint64_t done, uint64_t total) {
        last_done = done;
        last_total = total;
    };
    const e2b::VolumeEntry written =
        volume.write_stream("/big.bin", in, size, e2b::VolumeWriteOptions().mode(0600),
                            record);
    EXPECT_EQ(written.path, "/big.bin");
    EXPECT_EQ(written.size, static_cast<int64_t>(size));
    EXPECT_EQ(written.mode, 0600u);
    EXPECT_EQ(last_done, size);
    EXPECT_EQ(last_total, size);

    std::string received;
    int chunks = 0;
    const uint64_t read = volume.read_stream(
        "/big.bin",
        [&](e2b::ByteView chunk) {
            received.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
            ++chunks;
        },
        record);
    EXPECT_EQ(read, size);
    EXPECT_TRUE(received == data);
    EXPECT_GT(chunks, 1);
    EXPECT_EQ(last_done, size);
    EXPECT_EQ(last_total, size);
    std::ostringstream out;
    EXPECT_EQ(volume.read_stream("/big.bin", out), size);
    EXPECT_TRUE(out.str() == data);

    // A callback source of unknown size.
    int calls = 0;
    const e2b::VolumeEntry generated = volume.write_stream("/generated.txt", [&](uint8_t* buffer, size_t) -> size_t {
        if (calls++ == 3) {
            return 0;
        }
        buffer[0] = static_cast<uint8_t>('a' + calls - 1);
        return 1;
    });
    EXPECT_EQ(generated.size, 3);
    EXPECT_EQ(volume.read_file("/generated.txt"), "abc");

    // A source short of or over its size fails at once, naming both numbers;
    // the file stays as it was.
    volume.write_file("/short.bin", "old");
    const auto started = std::chrono::steady_clock::now();
    try {
        std::istringstream short_in("short");
        volume.write_stream("/short.bin", short_in, 10);
        FAIL() << "a short source was taken";
    } catch (const e2b::IoError& error) {
        EXPECT_NE(std::string(error.what()).find("after 5 of the 10 bytes"), std::string::npos) << error.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    try {
        std::istringstream long_in("longer than promised");
        volume.write_stream("/long.bin", long_in, 4);
        FAIL() << "a long source was taken";
    } catch (const e2b::IoError& error) {
        EXPECT_NE(std::string(error.what()).find("more than the 4 bytes"), std::string::npos) << error.what();
    }
    EXPECT_EQ(volume.read_file("/short.bin"), "old");

    std::ostringstream sink;
    EXPECT_THROW(volume.read_stream("/missing.bin", sink), e2b::NotFound);
    std::istringstream one("x");
    EXPECT_THROW(volume.write_stream("/no/such/dir.bin", one), e2b::NotFound);

    // What a callback throws stops the transfer and comes out.
    chunks = 0;
    EXPECT_THROW(volume.read_stream("/big.bin",
                                    [&](e2b::ByteView) {
                                        ++chunks;
                                        throw Stop();
                                    }),
                 Stop);
    EXPECT_EQ(chunks, 1);
    EXPECT_THROW(volume.write_stream("/stopped.txt", [](uint8_t*, size_t) -> size_t { throw Stop(); }), Stop);
    EXPECT_FALSE(volume.exists("/stopped.txt"));
    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    EXPECT_THROW(volume.read_stream("/big.bin", broken), std::ios_base::failure);
    e2b::CancelToken cancel;
    cancel.cancel();
    EXPECT_THROW(volume.read_stream("/big.bin", sink, {}, cancel), e2b::CancelledError);
}

TEST_F(VolumeTest, SharedByTwoSandboxes) {
    if (geteuid() != 0) {
        GTEST_SKIP() << "volume mounts need e2b-local to run as root";
    }
    {
        e2b::Sandbox writer =
            client.create_sandbox(e2b::SandboxOptions().timeout(120s).volume_mount("/mnt/data", volume.name()));
        EXPECT_EQ(writer.get_info().volume_mounts, (std::map<std::string, std::string>{{"/mnt/data", volume.name()}}));
        writer.commands().run("echo from C++ > /mnt/data/note.txt");
        writer.kill();
    }
    e2b::Sandbox reader =
        client.create_sandbox(e2b::SandboxOptions().timeout(120s).volume_mount("/home/user/shared", volume.name()));
    EXPECT_EQ(text(reader.files().read("/home/user/shared/note.txt")), "from C++\n");
    bool listed = false;
    for (const auto& info : client.list().sandboxes) {
        if (info.sandbox_id == reader.id()) {
            listed = info.volume_mounts.at("/home/user/shared") == volume.name();
        }
    }
    EXPECT_TRUE(listed);
    reader.kill();
    EXPECT_EQ(volume.read_file("/note.txt"), "from C++\n");
    EXPECT_THROW(client.create_sandbox(e2b::SandboxOptions().volume_mount("/mnt/x", "no-such")), e2b::InvalidArgument);
}
