#include "gates/app/check_command.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/host_name.h"
#include "base/strings.h"
#include "base/trace.h"
#include "gates/notifier/action_runner.h"
#include "gates/app/command_support.h"
#include "gates/core/run_gate.h"
#include "gates/app/version.h"
#include "queries/prometheus_querier.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/run_summary.h"
#include "reports/terminal_report.h"
#include "rules/gate_loader.h"

namespace aurora {
std::string DefaultSpoolDir() {
  const char* d = std::getenv("AURORA_GATE_SPOOL_DIR");
  return d != nullptr && *d ? std::string(d) : std::string(".aurora-gate/spool");
}

static void LogDelivery(std::ostream& err, const DeliveryAttempt& a) {
  const char* result = a.result == DeliveryAttempt::Result::kDelivered ? "delivered"
                       : a.result == DeliveryAttempt::Result::kRetry   ? "retry"
                                                                       : "failed";
  err << "aurora-gate: action " << a.action << " attempt " << a.attempt << ": "
      << result << (a.detail.empty() ? "" : " (" + a.detail + ")") << "\n";
}

std::optional<absl::Time> ParseEvalTime(const std::string& text) {
  // Up to 9999-12-31T23:59:59Z, RFC 3339's last second (seconds as int64
  // nanoseconds would wrap past 2262 to a time before 1970), whichever way
  // the time is written.
  constexpr double kMaxUnixSeconds = 253402300799;
  const absl::Time latest = absl::FromUnixSeconds(253402300800) -
                            absl::Nanoseconds(1);
  double secs = 0;
  if (absl::SimpleAtod(text, &secs) && text.find_first_not_of("0123456789.") == std::string::npos) {
    if (!(secs <= kMaxUnixSeconds)) return std::nullopt;
    return absl::UnixEpoch() + absl::Seconds(secs);
  }
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err) && t <= latest &&
      t >= absl::FromCivil(absl::CivilSecond(0, 1, 1, 0, 0, 0),
                           absl::UTCTimeZone())) {
    return t;
  }
  return std::nullopt;
}

namespace {

// What firing the actions left for the exit code.
struct ActionsOutcome {
  bool delivered = true;       // every action delivered (or none to fire)
  bool durable = true;         // the spool could be used throughout
  size_t failed_in_spool = 0;  // failed actions the spool holds now
  // What needs a human, one line each (RunResult::action_problems).
  std::vector<std::string> not_durable;
  std::vector<std::string> failed;
};

// Actions on the verdict of each gate (check has no earlier state: every
// run is its own incident), then the failed actions the spool holds.
ActionsOutcome FireActions(const std::vector<GateFile>& gates,
                           const RunResult& run, const CheckOptions& options,
                           const CommandEnv& env) {
  ActionsOutcome out;
  ActionRunner actions(options.spool_dir, env, options.dry_run,
                       [&env](const DeliveryAttempt& a) { LogDelivery(*env.err, a); });
  actions.set_vars(SettingsThenEnvironment(options.settings));
  auto report = [&](const absl::Status& st) {
    if (st.ok()) return;
    const bool lost = st.code() == absl::StatusCode::kDataLoss;
    *env.err << "aurora-gate: " << (lost ? "error: " : "") << st.message() << "\n";
    if (lost) {
      out.durable = false;
      out.not_durable.push_back(std::string(st.message()));
    }
    out.delivered = false;
  };
  report(actions.Start(gates));
  for (size_t i = 0; i < gates.size(); ++i) {
    std::optional<ActionTrigger> on = TransitionFor(run.gates[i].verdict);
    if (!on) continue;
    report(actions.Fire(gates[i], *on, run.gates[i], run, run.eval_time,
                        run.eval_time));
  }
  if (!actions.durable() && out.durable) {
    out.durable = false;
    out.not_durable.push_back(
        "the spool could not be used: actions were attempted from memory "
        "only, and one that fails is not retried by a later run");
  }
  if (options.dry_run) {
    *env.err << "aurora-gate: dry run: no actions were fired\n";
  }
  absl::StatusOr<std::vector<SpoolRecord>> failed = actions.FailedActions();
  if (!failed.ok()) {
    *env.err << "aurora-gate: error: cannot list failed actions: "
             << failed.status().message() << "\n";
    out.durable = false;
    out.not_durable.push_back(absl::StrCat("cannot list failed actions: ",
                                           failed.status().message()));
  } else {
    for (const SpoolRecord& r : *failed) {
      *env.err << "aurora-gate: error: " << DescribeFailedAction(r) << "\n";
      out.failed.push_back(DescribeFailedAction(r));
    }
    out.failed_in_spool = failed->size();
  }
  return out;
}

}  // namespace

int RunCheck(const CheckOptions& options, const CommandEnv& env) {
  if (options.gate_files.empty()) {
    *env.err << "aurora-gate " << options.command
             << ": no gate file given (see aurora-gate " << options.command
             << " --help)\n";
    return kExitUsage;
  }
  VarLookup vars = SettingsThenEnvironment(options.settings);
  std::vector<GateFile> gates;
  if (!LoadAll(options.gate_files, vars, env, &gates, options.actions_file)) {
    *env.err << "aurora-gate: gate file errors; nothing was evaluated\n";
    return kExitUsage;
  }
  TraceEvent("gate-files-loaded");
  RunResult run;
  run.started = env.clock->Now();
  run.eval_time = options.at.value_or(run.started);
  run.strict = options.strict;
  run.tool_version = kVersion;
  run.tool_commit = kGitCommit;
  run.hostname = HostName();
  run.settings = VisibleSettings(options.settings, options.secret_names);
  run.window = options.window;
  run.command = options.command;  // check | report: the verdict's words
  LiveContext live =
      CommandLiveContext(env, options.max_concurrency,
                         options.max_response_bytes, options.prometheus_url);
  live.baseline_at = options.baseline_at;
  live.chart_window = options.window;
  live.server_state = !options.replay;
  // Each attempt reads every source afresh (files change, services heal).
  auto cache = std::make_unique<SourceCache>(*env.files, &live);
  run.gates = RunGates(gates, *cache, &live, run.eval_time);
  run.verdict = RunVerdict(run.gates);
  bool until_timed_out = false;
  if (options.until_pass) {
    const absl::Time deadline = run.started + options.until_timeout;
    for (int attempt = 1;; ++attempt) {
      const bool passed = ExitCode(run) == kExitPass;
      std::vector<std::string> failing;
      for (const GateResult& g : run.gates) {
        for (const RuleResult& r : g.rules) {
          if (r.outcome != Outcome::kPass && r.outcome != Outcome::kWarn) {
            failing.push_back(absl::StrCat(r.name, " ", Sv(OutcomeName(r.outcome))));
          }
        }
      }
      const absl::Time now = env.clock->Now();
      const std::string line = absl::StrCat(
          "attempt ", attempt, " at +",
          absl::StrFormat("%.1fs", absl::ToDoubleSeconds(now - run.started)),
          ": ", Sv(OutcomeName(run.verdict)),
          failing.empty() ? "" : absl::StrCat(" (", absl::StrJoin(failing, ", "), ")"));
      if (options.progress_on_tty) {
        *env.err << "\r\x1b[K" << line << (passed ? "\n" : "") << std::flush;
      } else {
        *env.err << "aurora-gate: until pass: " << line << "\n";
      }
      if (passed) break;
      if (now + options.until_every > deadline) {
        until_timed_out = true;
        if (options.progress_on_tty) *env.err << "\n";
        *env.err << "aurora-gate: did not pass within "
                 << absl::FormatDuration(options.until_timeout) << " (" << attempt
                 << (attempt == 1 ? " attempt" : " attempts")
                 << "); the last attempt is reported\n";
        break;
      }
      env.clock->SleepUntil(now + options.until_every);
      run.eval_time = options.at.value_or(env.clock->Now());
      cache = std::make_unique<SourceCache>(*env.files, &live);
      run.gates = RunGates(gates, *cache, &live, run.eval_time);
      run.verdict = RunVerdict(run.gates);
    }
  }
  TraceEvent("rules-evaluated");
  run.duration_seconds = absl::ToDoubleSeconds(env.clock->Now() - run.started);

  // The table and the reports first: a receiver that hangs must not keep a
  // CI step from showing its verdict.
  const TerminalOptions terminal{.color = options.color,
                                 .width = options.terminal_width};
  const ReportPaths paths{options.junit_path,  options.json_path,
                          options.markdown_path, options.github_step_summary,
                          options.html_path,   options.report_url};
  *env.out << RenderTerminal(run, terminal);
  bool io_ok = WriteReports(run, paths, env);
  // The numbers to the Pushgateway, for alerts that read CI results.
  bool push_ok = true;
  if (!options.push.url.empty()) {
    const std::string body = PushExposition(gates, run, *cache);
    absl::StatusOr<std::unique_ptr<HttpClient>> client =
        env.make_http_client(options.push.tls);
    absl::Status pushed =
        client.ok() ? PushToGateway(options.push, body, **client) : client.status();
    if (pushed.ok()) {
      *env.err << "aurora-gate: pushed the run's metrics to "
               << RedactUrl(options.push.url) << PushPath(options.push) << "\n";
    } else {
      push_ok = options.push_optional;
      *env.err << "aurora-gate: " << (push_ok ? "warning" : "error")
               << ": push to " << RedactUrl(options.push.url)
               << " failed: " << pushed.message()
               << (push_ok ? " (--push-optional)" : "") << "\n";
    }
  }
  // Then the actions (check has no earlier state: every run is its own
  // incident). A rollback that may be lost makes the run exit 3: the
  // reports are written again so that they say so, and so does the table's
  // new verdict line.
  ActionsOutcome actions;
  if (options.fire_actions) {
    actions = FireActions(gates, run, options, env);
  }
  run.action_problems = actions.not_durable;
  if (!options.ignore_failed_actions) {
    run.action_problems.insert(run.action_problems.end(),
                               actions.failed.begin(), actions.failed.end());
  }
  if (!run.action_problems.empty()) {
    *env.out << "\n" << RenderTerminalSummary(run, terminal);
    ReportPaths again = paths;
    again.github_step_summary.clear();  // appended once, not twice
    io_ok = WriteReports(run, again, env) && io_ok;
  }
  TraceEvent("reports-written");
  const bool delivered = actions.delivered;
  // A query the server rejected is that rule's error (the verdict decides
  // the exit code); its message is also shown at its place in the gate
  // file, as lint shows it.
  int code = ExitCode(run);
  for (const GateResult& g : run.gates) {
    for (const RuleResult& r : g.rules) {
      if (!r.located_query_error.empty()) {
        *env.err << r.located_query_error << "\n";
      }
    }
  }
  if ((!io_ok || !delivered || !push_ok) && code == kExitPass) {
    code = kExitUndecided;
  }
  // --until pass that ran out of time: the gate did not become healthy.
  if (until_timed_out && run.action_problems.empty() && io_ok && push_ok) {
    code = kExitFail;
  }
  // A rollback that may be lost needs a human, whatever the verdict: the
  // spool could not be used, or it holds actions that gave up (ExitCode
  // already says 3; this says why on stderr).
  if (actions.failed_in_spool > 0 && !options.ignore_failed_actions) {
    *env.err << "aurora-gate: " << actions.failed_in_spool
             << (actions.failed_in_spool == 1 ? " failed action" : " failed actions")
             << " in the spool: exit 3 (--ignore-failed-actions to exit on the "
                "verdict alone)\n";
  }
  return code;
}

}  // namespace aurora
