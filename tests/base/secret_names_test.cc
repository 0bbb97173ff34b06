// Issue 10.14: --set values of credential-like names reached every report.
#include "base/secret_names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aurora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SecretNamesTest, NamesFromTheHostileCampaignAreSecret) {
  for (const char* name :
       {"HOOK_BEARER", "DB_PASS", "SIGNING", "SESSION", "PAT", "GITHUB_PAT",
        "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "aurora_api_key", "PGPASSWORD",
        "SMTP_PW", "db-pwd", "PRIVATE_KEY_PEM", "SENTRY_DSN", "Authorization",
        "slack.webhook", "COOKIE", "HMAC_SIG", "LOGIN_CREDENTIALS"}) {
    EXPECT_TRUE(LooksSecretName(name)) << name;
  }
  for (const char* name : {"commit", "env", "PKG", "ARTIFACTS", "window",
                           "PATH_PREFIX", "passing_threshold", "SCALE"}) {
    EXPECT_FALSE(LooksSecretName(name)) << name;
  }
}

TEST(SecretNamesTest, ShownValuesHideSecretsAndRedactUrls) {
  EXPECT_EQ(ShownSettingValue("DB_PASS", "hunter2"), "(hidden)");
  EXPECT_EQ(ShownSettingValue("commit", "abc123"), "abc123");
  EXPECT_EQ(ShownSettingValue("anything", "plain", /*always_hidden=*/true),
            "(hidden)");
  const std::string db =
      ShownSettingValue("DATABASE_URL", "postgres://aurora:PW@db:5432/aurora");
  EXPECT_THAT(db, Not(HasSubstr("PW")));
  EXPECT_THAT(db, HasSubstr("db:5432"));
  const std::string slack = ShownSettingValue(
      "SLACK_URL", "https://hooks.slack.com/services/T000/B000/XXXXSECRET");
  EXPECT_THAT(slack, Not(HasSubstr("XXXXSECRET")));
  EXPECT_THAT(slack, HasSubstr("hooks.slack.com"));
  EXPECT_THAT(ShownSettingValue("REPORT", "https://ci.example/r?token=t0k"),
              Not(HasSubstr("t0k")));
  // Not a URL: shown as given.
  EXPECT_EQ(ShownSettingValue("note", "see http docs"), "see http docs");
}

}  // namespace
}  // namespace aurora
