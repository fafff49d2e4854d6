// What needs no sandbox: versions, error mapping, argument types, builders,
// move semantics, and errors reported before any request.
#include "testing.hpp"

using namespace testing_e2b;

TEST(Version, MatchesTheHeader) {
    EXPECT_EQ(e2b::version(), E2B_VERSION);
    EXPECT_EQ(e2b::version_number(), static_cast<uint32_t>(E2B_VERSION_NUMBER));
    EXPECT_EQ(e2b::abi_version(), static_cast<uint32_t>(E2B_ABI_VERSION));
    EXPECT_NO_THROW(e2b::check_abi());
}

template <typename Exception>
void expect_code_maps_to(e2b::ErrorCode code, const char* name) {
    try {
        e2b::detail::throw_error(static_cast<e2b_error_code>(code), nullptr);
        ADD_FAILURE() << "nothing thrown for " << name;
    } catch (const Exception& error) {
        EXPECT_EQ(error.code(), code);
        EXPECT_EQ(error.http_status(), 0);
        EXPECT_FALSE(error.message().empty());
        EXPECT_EQ(e2b::error_code_name(code), name);
    } catch (...) {
        ADD_FAILURE() << "the wrong exception for " << name;
    }
}

TEST(Errors, EveryCodeHasItsException) {
    using C = e2b::ErrorCode;
    expect_code_maps_to<e2b::NullArgument>(C::NullArgument, "E2B_ERR_NULL_ARGUMENT");
    expect_code_maps_to<e2b::InvalidArgument>(C::InvalidArgument, "E2B_ERR_INVALID_ARGUMENT");
    expect_code_maps_to<e2b::InvalidUtf8>(C::InvalidUtf8, "E2B_ERR_INVALID_UTF8");
    expect_code_maps_to<e2b::Panic>(C::Panic, "E2B_ERR_PANIC");
    expect_code_maps_to<e2b::CallbackAborted>(C::CallbackAborted, "E2B_ERR_CALLBACK_ABORTED");
    expect_code_maps_to<e2b::Timeout>(C::Timeout, "E2B_ERR_TIMEOUT");
    expect_code_maps_to<e2b::NetworkError>(C::Network, "E2B_ERR_NETWORK");
    expect_code_maps_to<e2b::TlsError>(C::Tls, "E2B_ERR_TLS");
    expect_code_maps_to<e2b::AuthenticationError>(C::Authentication, "E2B_ERR_AUTHENTICATION");
    expect_code_maps_to<e2b::PermissionDenied>(C::PermissionDenied, "E2B_ERR_PERMISSION_DENIED");
    expect_code_maps_to<e2b::NotFound>(C::NotFound, "E2B_ERR_NOT_FOUND");
    expect_code_maps_to<e2b::SandboxNotFound>(C::SandboxNotFound, "E2B_ERR_SANDBOX_NOT_FOUND");
    expect_code_maps_to<e2b::SandboxGone>(C::SandboxGone, "E2B_ERR_SANDBOX_GONE");
    expect_code_maps_to<e2b::Conflict>(C::Conflict, "E2B_ERR_CONFLICT");
    expect_code_maps_to<e2b::RateLimited>(C::RateLimited, "E2B_ERR_RATE_LIMITED");
    expect_code_maps_to<e2b::NotEnoughSpace>(C::NotEnoughSpace, "E2B_ERR_NOT_ENOUGH_SPACE");
    expect_code_maps_to<e2b::ApiError>(C::Api, "E2B_ERR_API");
    expect_code_maps_to<e2b::DecodeError>(C::Decode, "E2B_ERR_DECODE");
    expect_code_maps_to<e2b::IoError>(C::Io, "E2B_ERR_IO");
    expect_code_maps_to<e2b::CommandExit>(C::CommandExit, "E2B_ERR_COMMAND_EXIT");
    expect_code_maps_to<e2b::CancelledError>(C::Cancelled, "E2B_ERR_CANCELLED");
}

TEST(Errors, AnUnknownCodeIsAPlainError) {
    try {
        e2b::detail::throw_error(static_cast<e2b_error_code>(999), nullptr);
        FAIL() << "nothing thrown";
    } catch (const e2b::Error& error) {
        EXPECT_EQ(static_cast<int32_t>(error.code()), 999);
        EXPECT_EQ(e2b::error_code_name(error.code()), "E2B_ERR_UNKNOWN");
    }
}

TEST(Errors, AreRuntimeErrorsWithTheLibrarysMessage) {
    try {
        e2b::SandboxQuery().state(static_cast<e2b::SandboxState>(7));
        FAIL() << "nothing thrown";
    } catch (const std::runtime_error& error) {
        const auto* e2b_error = dynamic_cast<const e2b::Error*>(&error);
        ASSERT_NE(e2b_error, nullptr);
        EXPECT_EQ(e2b_error->code(), e2b::ErrorCode::InvalidArgument);
        EXPECT_EQ(e2b_error->message(), error.what());
        EXPECT_FALSE(e2b_error->message().empty());
    }
}

TEST(Errors, InvalidUtf8IsRejected) {
    const std::string_view bad("\xff\xfe", 2);
    EXPECT_THROW(e2b::SandboxOptions().template_name(bad), e2b::InvalidUtf8);
    EXPECT_THROW(e2b::ClientOptions().api_key(bad), e2b::InvalidUtf8);
    EXPECT_THROW(e2b::CommandOptions().cwd(bad), e2b::InvalidUtf8);
    EXPECT_THROW(e2b::FilesOptions().user(bad), e2b::InvalidUtf8);
    EXPECT_THROW(e2b::RunCodeOptions().language(bad), e2b::InvalidUtf8);
    EXPECT_THROW(e2b::SandboxQuery().next_token(bad), e2b::InvalidUtf8);
}

TEST(Errors, NegativeDurationsAreRejected) {
    EXPECT_THROW(e2b::SandboxOptions().timeout(-1s), std::invalid_argument);
    EXPECT_THROW(e2b::CommandOptions().timeout(-1ms), std::invalid_argument);
}

TEST(Errors, AnUnreachableServerIsANetworkError) {
    e2b::Client client(e2b::ClientOptions()
                           .api_key("e2b_0000")
                           .api_url("http://127.0.0.1:1")
                           .sandbox_url("http://127.0.0.1:1")
                           .max_retries(0)
                           .request_timeout(5s));
    EXPECT_THROW(client.list(), e2b::NetworkError);
    EXPECT_THROW(client.create_sandbox(), e2b::NetworkError);
}

TEST(Arguments, StringArgTakesEveryStringType) {
    const std::string owned = "owned";
    EXPECT_STREQ(e2b::StringArg("literal").c_str(), "literal");
    EXPECT_STREQ(e2b::StringArg(owned).c_str(), "owned");
    EXPECT_EQ(e2b::StringArg(owned).c_str(), owned.c_str());  // no copy
    EXPECT_STREQ(e2b::StringArg(std::string_view("abcdef", 3)).c_str(), "abc");
    const char* null = nullptr;
    EXPECT_THROW(e2b::SandboxOptions().template_name(null), e2b::NullArgument);
}

TEST(Arguments, ByteViewTakesTextAndBytes) {
    const std::vector<uint8_t> data{0, 1, 255};
    const e2b::ByteView from_vector(data);
    EXPECT_EQ(from_vector.size(), 3u);
    EXPECT_EQ(std::vector<uint8_t>(from_vector.begin(), from_vector.end()), data);
    EXPECT_EQ(e2b::ByteView("hi").text(), "hi");
    EXPECT_EQ(e2b::ByteView(std::string("a\0b", 3)).size(), 3u);
    EXPECT_EQ(e2b::ByteView(std::string_view("xyz", 2)).text(), "xy");
    EXPECT_TRUE(e2b::ByteView().empty());
}

TEST(Builders, StayNullUntilSet) {
    e2b::SandboxOptions options;
    EXPECT_EQ(options.raw(), nullptr);
    options.timeout(60s);
    EXPECT_NE(options.raw(), nullptr);
}

TEST(Builders, AcceptEverySetting) {
    EXPECT_NO_THROW(e2b::ClientOptions()
                        .api_key("e2b_key")
                        .domain("example.com")
                        .api_url("http://127.0.0.1:1")
                        .sandbox_url("http://127.0.0.1:1")
                        .header("X-Extra", "1")
                        .debug(true)
                        .request_timeout(0ms)
                        .max_retries(5));
    EXPECT_NO_THROW(e2b::SandboxOptions()
                        .template_name("base")
                        .timeout(60s)
                        .metadata("k", "v")
                        .env("E", "v")
                        .secure(false)
                        .allow_internet_access(false)
                        .auto_pause(true)
                        .auto_resume(true)
                        .idempotency_key("key-1"));
    EXPECT_NO_THROW(e2b::SandboxQuery()
                        .state(e2b::SandboxState::Running)
                        .state(e2b::SandboxState::Paused)
                        .metadata("k", "v")
                        .limit(10)
                        .next_token("token"));
    EXPECT_NO_THROW(e2b::FilesOptions().user("root").gzip(true));
    EXPECT_NO_THROW(e2b::CommandOptions().env("A", "b").cwd("/tmp").user("root").timeout(1s).stdin_open(true));
    EXPECT_NO_THROW(e2b::RunCodeOptions().language("python").context_id("ctx").env("A", "b").timeout(1s));
}

TEST(Move, BuildersMoveTheirSettings) {
    e2b::FilesOptions first;
    first.user("root");
    const auto* raw = first.raw();
    e2b::FilesOptions second = std::move(first);
    EXPECT_EQ(second.raw(), raw);
    EXPECT_EQ(first.raw(), nullptr);  // moved-from: the defaults again
    first = std::move(second);
    EXPECT_EQ(first.raw(), raw);
}

TEST(Move, AMovedFromClientIsSafe) {
    e2b::Client client(e2b::ClientOptions().api_url("http://127.0.0.1:1").max_retries(0));
    e2b::Client moved = std::move(client);
    EXPECT_EQ(client.raw(), nullptr);
    EXPECT_THROW(client.list(), e2b::NullArgument);
    EXPECT_THROW(client.connect("abc"), e2b::NullArgument);
    EXPECT_NE(moved.raw(), nullptr);
    client = std::move(moved);
    EXPECT_NE(client.raw(), nullptr);
}
