// Files: transfers (whole, streamed, batched, local files and trees), signed
// URLs, the filesystem service (list, stat, mkdir, remove, rename) and watching.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "testing.hpp"

using namespace testing_e2b;

namespace {

class Files : public SandboxTest {};

/// `size` bytes of a repeating pattern holding every byte value.
std::vector<uint8_t> pattern(size_t size) {
    std::vector<uint8_t> data(size);
    for (size_t i = 0; i < size; ++i) {
        data[i] = static_cast<uint8_t>(i * 7 + i / 256);
    }
    return data;
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

/// A thread that writes `path` in `sandbox` after half a second.
std::thread write_later(const e2b::Sandbox& sandbox, std::string path) {
    return std::thread([&sandbox, path] {
        std::this_thread::sleep_for(500ms);
        reporting([&] { sandbox.files().write(path, "later"); });
    });
}

}  // namespace

TEST_F(Files, WritesAndReadsBytesUnchanged) {
    const auto data = pattern(256 * 3);
    sandbox.files().write("/home/user/bytes.bin", data);
    EXPECT_EQ(sandbox.files().read("/home/user/bytes.bin"), data);

    sandbox.files().write("/home/user/empty", "");
    EXPECT_TRUE(sandbox.files().read("/home/user/empty").empty());

    sandbox.files().write("/home/user/deep/er/text.txt", std::string("a\0b", 3));
    EXPECT_EQ(text(sandbox.files().read("/home/user/deep/er/text.txt")), std::string("a\0b", 3));
}

TEST_F(Files, ReadingWhatIsNotAFileFails) {
    EXPECT_THROW(sandbox.files().read("/home/user/missing.txt"), e2b::NotFound);
    sandbox.files().write("/home/user/dir/file.txt", "x");
    EXPECT_THROW(sandbox.files().read("/home/user/dir"), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.files().write("/home/user/dir", "x"), e2b::InvalidArgument);
}

TEST_F(Files, ReadStreamPassesChunksAndProgress) {
    const auto data = pattern(1 << 20);
    sandbox.files().write("/home/user/big.bin", data);
    std::vector<uint8_t> received;
    uint64_t last_done = 0;
    int progress_calls = 0;
    const uint64_t size = sandbox.files().read_stream(
        "/home/user/big.bin", [&](e2b::ByteView chunk) { received.insert(received.end(), chunk.begin(), chunk.end()); },
        [&](uint64_t done, uint64_t) {
            EXPECT_GE(done, last_done);
            last_done = done;
            ++progress_calls;
        });
    EXPECT_EQ(size, data.size());
    EXPECT_EQ(received, data);
    EXPECT_EQ(last_done, data.size());
    EXPECT_GT(progress_calls, 0);
}

TEST_F(Files, ReadStreamWritesToAnOstream) {
    sandbox.files().write("/home/user/s.txt", "streamed text");
    std::ostringstream out;
    EXPECT_EQ(sandbox.files().read_stream("/home/user/s.txt", out), 13u);
    EXPECT_EQ(out.str(), "streamed text");
}

TEST_F(Files, ACallbackExceptionStopsTheReadAndComesOut) {
    sandbox.files().write("/home/user/big.bin", pattern(1 << 20));
    int chunks = 0;
    EXPECT_THROW(sandbox.files().read_stream("/home/user/big.bin",
                                             [&](e2b::ByteView) {
                                                 ++chunks;
                                                 throw Stop();
                                             }),
                 Stop);
    EXPECT_EQ(chunks, 1);
    EXPECT_THROW(sandbox.files().read_stream(
                     "/home/user/big.bin", [](e2b::ByteView) {}, [](uint64_t, uint64_t) { throw Stop(); }),
                 Stop);
    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    EXPECT_THROW(sandbox.files().read_stream("/home/user/big.bin", broken), std::ios_base::failure);
}

TEST_F(Files, OpenReadReadsPieceByPiece) {
    const auto data = pattern(100000);
    sandbox.files().write("/home/user/pieces.bin", data);
    e2b::FileReader reader = sandbox.files().open_read("/home/user/pieces.bin");
    std::vector<uint8_t> received;
    uint8_t buffer[4096];
    for (size_t n; (n = reader.read(buffer, sizeof buffer)) > 0;) {
        received.insert(received.end(), buffer, buffer + n);
    }
    EXPECT_EQ(received, data);
    EXPECT_EQ(reader.read(buffer, sizeof buffer), 0u);
    EXPECT_THROW(sandbox.files().open_read("/home/user/missing"), e2b::NotFound);

    e2b::FileReader moved = std::move(reader);
    EXPECT_NE(moved.raw(), nullptr);
    EXPECT_EQ(reader.raw(), nullptr);
    EXPECT_THROW(reader.read(buffer, sizeof buffer), e2b::NullArgument);
}

TEST_F(Files, WriteStreamTakesAnIstream) {
    const auto data = pattern(300000);
    std::istringstream in(text(data));
    uint64_t last_done = 0;
    sandbox.files().write_stream("/home/user/from-stream.bin", in, data.size(),
                                 [&](uint64_t done, uint64_t total) {
                                     last_done = done;
                                     EXPECT_EQ(total, data.size());
                                 });
    EXPECT_EQ(last_done, data.size());
    EXPECT_EQ(sandbox.files().read("/home/user/from-stream.bin"), data);

    std::istringstream unknown_size("no size given");
    sandbox.files().write_stream("/home/user/unsized.txt", unknown_size);
    EXPECT_EQ(text(sandbox.files().read("/home/user/unsized.txt")), "no size given");
}

TEST_F(Files, WriteStreamTakesACallback) {
    int calls = 0;
    sandbox.files().write_stream("/home/user/generated.txt", [&](uint8_t* buffer, size_t capacity) -> size_t {
        if (calls++ == 3 || capacity == 0) {
            return 0;
        }
        buffer[0] = static_cast<uint8_t>('a' + calls - 1);
        return 1;
    });
    EXPECT_EQ(text(sandbox.files().read("/home/user/generated.txt")), "abc");
    EXPECT_THROW(sandbox.files().write_stream("/home/user/stopped.txt",
                                              [](uint8_t*, size_t) -> size_t { throw Stop(); }),
                 Stop);
}

TEST_F(Files, WriteFilesWritesSeveral) {
    const std::string second = "second";
    const std::vector<uint8_t> third = pattern(1000);
    sandbox.files().write_files({{"/home/user/batch/one.txt", "one"},
                                 {"/home/user/batch/nested/two.txt", second},
                                 {"/home/user/batch/three.bin", third},
                                 {"/home/user/batch/empty", ""}});
    EXPECT_EQ(text(sandbox.files().read("/home/user/batch/one.txt")), "one");
    EXPECT_EQ(text(sandbox.files().read("/home/user/batch/nested/two.txt")), second);
    EXPECT_EQ(sandbox.files().read("/home/user/batch/three.bin"), third);
    EXPECT_TRUE(sandbox.files().read("/home/user/batch/empty").empty());
    EXPECT_NO_THROW(sandbox.files().write_files({}));
}

TEST_F(Files, UploadsAndDownloadsFiles) {
    const LocalDir local;
    const std::string content = text(pattern(200000));
    spit(local.path() / "up.bin", content);
    uint64_t uploaded = 0;
    sandbox.files().upload_file(local.path() / "up.bin", "/home/user/up.bin",
                                [&](uint64_t done, uint64_t) { uploaded = done; });
    EXPECT_EQ(uploaded, content.size());
    EXPECT_EQ(text(sandbox.files().read("/home/user/up.bin")), content);

    uint64_t downloaded = 0;
    sandbox.files().download_file("/home/user/up.bin", local.path() / "down.bin",
                                  [&](uint64_t done, uint64_t) { downloaded = done; });
    EXPECT_EQ(downloaded, content.size());
    EXPECT_EQ(slurp(local.path() / "down.bin"), content);

    EXPECT_THROW(sandbox.files().upload_file(local.path() / "missing", "/home/user/x"), e2b::IoError);
    EXPECT_THROW(sandbox.files().download_file("/home/user/missing", local.path() / "x"), e2b::NotFound);
    EXPECT_FALSE(std::filesystem::exists(local.path() / "x"));
    EXPECT_THROW(sandbox.files().upload_file(local.path() / "up.bin", "/home/user/y",
                                             [](uint64_t, uint64_t) { throw Stop(); }),
                 Stop);
}

TEST_F(Files, UploadsAndDownloadsTrees) {
    const LocalDir local;
    spit(local.path() / "tree/a.txt", "a");
    spit(local.path() / "tree/sub/b.txt", "bb");
    spit(local.path() / "tree/sub/deeper/c.bin", text(pattern(5000)));
    uint64_t uploaded = 0;
    std::set<std::pair<size_t, std::string>> named;
    EXPECT_EQ(sandbox.files().upload_dir(local.path() / "tree", "/home/user/tree",
                                         [&](const e2b::DirProgress& p) {
                                             uploaded = p.done;
                                             named.emplace(p.index, std::string(p.path));
                                             EXPECT_EQ(p.count, 3u);
                                             EXPECT_EQ(p.total, 5003u);
                                         }),
              3u);
    EXPECT_EQ(uploaded, 5003u);
    EXPECT_EQ(named.size(), 3u);
    EXPECT_EQ(named.begin()->first, 0u);
    EXPECT_EQ(named.rbegin()->first, 2u);
    EXPECT_TRUE(std::any_of(named.begin(), named.end(),
                            [](const auto& n) { return n.second == "/home/user/tree/sub/deeper/c.bin"; }));
    EXPECT_EQ(text(sandbox.files().read("/home/user/tree/sub/b.txt")), "bb");

    EXPECT_EQ(sandbox.files().download_dir("/home/user/tree", local.path() / "back"), 3u);
    EXPECT_EQ(slurp(local.path() / "back/a.txt"), "a");
    EXPECT_EQ(slurp(local.path() / "back/sub/b.txt"), "bb");
    EXPECT_EQ(slurp(local.path() / "back/sub/deeper/c.bin"), text(pattern(5000)));

    EXPECT_THROW(sandbox.files().upload_dir(local.path() / "missing", "/home/user/x"), e2b::IoError);
    EXPECT_THROW(sandbox.files().download_dir("/home/user/tree/a.txt", local.path() / "file"),
                 e2b::InvalidArgument);
}

TEST_F(Files, ReportsLinksAndSkipsThemInTrees) {
    sandbox.files().write("/home/user/links/real.txt", "real");
    sandbox.files().write("/home/user/elsewhere.txt", "away");
    sandbox.commands().run("cd /home/user/links && ln -s /home/user/elsewhere.txt out && ln -s /etc etc").check();
    const e2b::EntryInfo link = sandbox.files().get_info("/home/user/links/out");
    EXPECT_EQ(link.type, e2b::FileType::Symlink);
    EXPECT_EQ(link.symlink_target, std::optional<std::string>("/home/user/elsewhere.txt"));
    const LocalDir local;
    EXPECT_EQ(sandbox.files().download_dir("/home/user/links", local.path() / "copy"), 1u);
    EXPECT_EQ(slurp(local.path() / "copy/real.txt"), "real");
    EXPECT_FALSE(std::filesystem::is_symlink(local.path() / "copy/out"));
    EXPECT_FALSE(std::filesystem::exists(local.path() / "copy/out"));
    EXPECT_FALSE(std::filesystem::exists(local.path() / "copy/etc"));
}

TEST_F(Files, StopEndsAWaitInAnotherThread) {
    sandbox.files().make_dir("/home/user/quiet");
    e2b::Watch watch = sandbox.files().watch_dir("/home/user/quiet");
    std::vector<e2b::FsEvent> events{e2b::FsEvent{}};
    std::chrono::steady_clock::time_point returned;
    std::thread waiter([&] {
        events = watch.next_events(20s);
        returned = std::chrono::steady_clock::now();
    });
    std::this_thread::sleep_for(300ms);
    const auto stopped = std::chrono::steady_clock::now();
    watch.stop();
    waiter.join();
    EXPECT_TRUE(events.empty());
    EXPECT_LT(returned - stopped, 1s);
}

TEST_F(Files, SignsUrls) {
    const std::string download = sandbox.files().download_url("/home/user/x.txt");
    const std::string upload = sandbox.files().upload_url("/home/user/x.txt", 60s);
    EXPECT_EQ(download.rfind("http", 0), 0u) << download;
    EXPECT_EQ(upload.rfind("http", 0), 0u) << upload;
    EXPECT_NE(download.find("signature"), std::string::npos) << download;
    EXPECT_NE(upload.find("signature_expiration"), std::string::npos) << upload;

    e2b::Sandbox open = client.create_sandbox(e2b::SandboxOptions().secure(false).timeout(60s));
    EXPECT_FALSE(open.files().download_url("/home/user/x.txt").empty());
    EXPECT_THROW(open.files().download_url("/home/user/x.txt", 60s), e2b::InvalidArgument);
    open.kill();
}

TEST_F(Files, OptionsChooseTheUserAndCompression) {
    e2b::FilesOptions root;
    root.user("root").gzip(true);
    sandbox.files(root).write("relative.txt", "as root");
    EXPECT_EQ(text(sandbox.files().read("/root/relative.txt")), "as root");
    EXPECT_EQ(text(sandbox.files(root).read("relative.txt")), "as root");
    EXPECT_EQ(sandbox.files(root).get_info("relative.txt").path, "/root/relative.txt");
}

TEST_F(Files, WritesCarryMetadataThatEachWriteReplaces) {
    e2b::FilesOptions tagged;
    tagged.metadata("Author", "Ada L.").metadata("rev", "1").metadata("rev", "2");
    sandbox.files(tagged).write("meta/a.txt", "a");
    const std::map<std::string, std::string> expected{{"author", "Ada L."}, {"rev", "2"}};
    EXPECT_EQ(sandbox.files().get_info("meta/a.txt").metadata, expected);
    sandbox.files().write("meta/a.txt", "b");
    EXPECT_TRUE(sandbox.files().get_info("meta/a.txt").metadata.empty());

    e2b::FilesOptions bad;
    bad.metadata("not a token", "v");
    EXPECT_THROW(sandbox.files(bad).write("meta/bad.txt", "x"), e2b::InvalidArgument);
    e2b::FilesOptions bad_value;
    bad_value.metadata("k", "line\nbreak");
    EXPECT_THROW(sandbox.files(bad_value).write("meta/bad.txt", "x"), e2b::InvalidArgument);
    EXPECT_FALSE(sandbox.files().exists("meta/bad.txt"));
}

TEST_F(Files, WatchesAcceptAllowNetworkMounts) {
    sandbox.files().make_dir("/home/user/local");
    e2b::FilesOptions network;
    network.allow_network_mounts(true);
    e2b::Watch watch = sandbox.files(network).watch_dir("/home/user/local");
    sandbox.files().write("/home/user/local/x.txt", "x");
    std::vector<e2b::FsEvent> events;
    for (int i = 0; i < 10 && events.empty(); ++i) {
        events = watch.next_events(1s);
    }
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().name, "x.txt");
    int seen = 0;
    sandbox.files(network).watch_dir_stream("/home/user/local", 300ms, [&](const e2b::FsEvent&) { return ++seen > 0; });
    EXPECT_EQ(seen, 0);
}

TEST_F(Files, MakesListsAndDescribesDirectories) {
    EXPECT_TRUE(sandbox.files().make_dir("/home/user/d/sub"));
    EXPECT_FALSE(sandbox.files().make_dir("/home/user/d/sub"));
    sandbox.files().write("/home/user/d/f.txt", "12345");
    sandbox.files().write("/home/user/d/sub/g.txt", "1");

    const auto names = [](const std::vector<e2b::EntryInfo>& entries) {
        std::set<std::string> names;
        for (const auto& entry : entries) {
            names.insert(entry.name);
        }
        return names;
    };
    EXPECT_EQ(names(sandbox.files().list("/home/user/d")), (std::set<std::string>{"f.txt", "sub"}));
    EXPECT_EQ(names(sandbox.files().list("/home/user/d", 2)), (std::set<std::string>{"f.txt", "sub", "g.txt"}));

    const e2b::EntryInfo file = sandbox.files().get_info("/home/user/d/f.txt");
    EXPECT_EQ(file.name, "f.txt");
    EXPECT_EQ(file.path, "/home/user/d/f.txt");
    EXPECT_EQ(file.type, e2b::FileType::File);
    EXPECT_EQ(file.size, 5u);
    EXPECT_NE(file.mode, 0u);
    EXPECT_EQ(file.permissions.size(), 10u);
    EXPECT_FALSE(file.owner.empty());
    EXPECT_FALSE(file.group.empty());
    EXPECT_TRUE(file.modified_time.has_value());
    EXPECT_FALSE(file.symlink_target.has_value());
    EXPECT_EQ(sandbox.files().get_info("/home/user/d").type, e2b::FileType::Dir);

    EXPECT_TRUE(sandbox.files().exists("/home/user/d/f.txt"));
    EXPECT_FALSE(sandbox.files().exists("/home/user/d/none"));
}

TEST_F(Files, FilesystemErrors) {
    sandbox.files().write("/home/user/file.txt", "x");
    EXPECT_THROW(sandbox.files().list("/home/user/none"), e2b::NotFound);
    EXPECT_THROW(sandbox.files().list("/home/user/file.txt"), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.files().list("/home/user", 0), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.files().get_info("/home/user/none"), e2b::NotFound);
    EXPECT_THROW(sandbox.files().make_dir("/home/user/file.txt"), e2b::InvalidArgument);
    EXPECT_THROW(sandbox.files().rename("/home/user/none", "/home/user/other"), e2b::NotFound);
}

TEST_F(Files, RenamesAndRemoves) {
    sandbox.files().write("/home/user/old.txt", "moving");
    const e2b::EntryInfo moved = sandbox.files().rename("/home/user/old.txt", "/home/user/new/place.txt");
    EXPECT_EQ(moved.path, "/home/user/new/place.txt");
    EXPECT_EQ(moved.name, "place.txt");
    EXPECT_FALSE(sandbox.files().exists("/home/user/old.txt"));
    EXPECT_EQ(text(sandbox.files().read("/home/user/new/place.txt")), "moving");

    sandbox.files().remove("/home/user/new");
    EXPECT_FALSE(sandbox.files().exists("/home/user/new/place.txt"));
    EXPECT_NO_THROW(sandbox.files().remove("/home/user/new"));  // nothing there: success
}

TEST_F(Files, WatchReportsChanges) {
    sandbox.files().make_dir("/home/user/watched");
    e2b::Watch watch = sandbox.files().watch_dir("/home/user/watched", {true, true});
    EXPECT_FALSE(watch.id().empty());
    EXPECT_TRUE(watch.get_new_events().empty());

    sandbox.files().write("/home/user/watched/a.txt", "a");
    std::vector<e2b::FsEvent> events;
    for (int i = 0; i < 10 && events.empty(); ++i) {
        events = watch.next_events(1s);
    }
    ASSERT_FALSE(events.empty());
    const auto created = std::find_if(events.begin(), events.end(), [](const e2b::FsEvent& event) {
        return event.name == "a.txt" && (event.type == e2b::EventType::Create || event.type == e2b::EventType::Write);
    });
    ASSERT_NE(created, events.end());
    ASSERT_TRUE(created->entry.has_value());
    EXPECT_EQ(created->entry->path, "/home/user/watched/a.txt");

    sandbox.files().remove("/home/user/watched/a.txt");
    bool removed = false;
    for (int i = 0; i < 10 && !removed; ++i) {
        for (const auto& event : watch.get_new_events()) {
            removed = removed || (event.name == "a.txt" && event.type == e2b::EventType::Remove);
        }
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(removed);

    watch.stop();
    EXPECT_NO_THROW(watch.stop());
    EXPECT_THROW(watch.next_events(0ms), e2b::InvalidArgument);

    e2b::Watch moved = std::move(watch);
    EXPECT_NE(moved.raw(), nullptr);
    EXPECT_EQ(watch.raw(), nullptr);
    EXPECT_THROW(watch.get_new_events(), e2b::NullArgument);
    EXPECT_THROW(watch.id(), e2b::NullArgument);
    EXPECT_FALSE(moved.id().empty());
}

TEST_F(Files, WatchingWhatIsNotADirectoryFails) {
    sandbox.files().write("/home/user/plain.txt", "x");
    EXPECT_THROW(sandbox.files().watch_dir("/home/user/none"), e2b::NotFound);
    EXPECT_THROW(sandbox.files().watch_dir("/home/user/plain.txt"), e2b::InvalidArgument);
}

TEST_F(Files, WatchStreamEndsWhenTheCallbackSaysSo) {
    sandbox.files().make_dir("/home/user/streamed");
    std::thread writer = write_later(sandbox, "/home/user/streamed/b.txt");
    std::vector<e2b::FsEvent> seen;
    const auto start = std::chrono::steady_clock::now();
    sandbox.files().watch_dir_stream("/home/user/streamed", 20s, [&](const e2b::FsEvent& event) {
        seen.push_back(event);
        return event.name != "b.txt";
    });
    writer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().name, "b.txt");
}

TEST_F(Files, WatchStreamEndsAtItsTimeout) {
    sandbox.files().make_dir("/home/user/quiet");
    int events = 0;
    sandbox.files().watch_dir_stream("/home/user/quiet", 300ms, [&](const e2b::FsEvent&) { return ++events > 0; });
    EXPECT_EQ(events, 0);
}

TEST_F(Files, WatchStreamRethrowsWhatTheCallbackThrows) {
    sandbox.files().make_dir("/home/user/thrown");
    std::thread writer = write_later(sandbox, "/home/user/thrown/c.txt");
    EXPECT_THROW(sandbox.files().watch_dir_stream("/home/user/thrown", 20s,
                                                  [](const e2b::FsEvent&) -> bool { throw Stop(); },
                                                  {false, true}),
                 Stop);
    writer.join();
}
