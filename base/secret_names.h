// File: base/secret_names.h
// Which `--set NAME=VALUE` values reports may show. Reports list the values a
// run was given (commit=abc, env=testnet); a value whose name says it is a
// credential is never shown, and a URL is shown as RedactUrl shows it.
#ifndef AURORA_BASE_SECRET_NAMES_H_
#define AURORA_BASE_SECRET_NAMES_H_

#include <string>
#include <string_view>

namespace aurora {

// True when `name` suggests a secret, case-insensitively: it contains token,
// secret, password, passwd, credential, cookie, bearer, private, signing,
// signature, session, webhook, apikey, auth or key, or one of its words
// (split at _ - . and spaces) is pass, pw, pwd, pat, sig, hook, dsn, salt or
// otp. Erring towards hiding: "monkey" is hidden too.
bool LooksSecretName(std::string_view name);

// What a report shows for `--set name=value`: "(hidden)" when the name
// looks secret (or `always_hidden`, for --secret); a value that is a URL
// (scheme://…) through RedactUrl (userinfo, query values and token-like path
// segments masked); any other value as it is.
std::string ShownSettingValue(std::string_view name, std::string_view value,
                              bool always_hidden = false);

}  // namespace aurora

#endif  // AURORA_BASE_SECRET_NAMES_H_
