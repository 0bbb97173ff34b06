"""Rollback helper scanned by Bandit for the failing example: it builds a
shell command from its argument (B602, HIGH) and loads YAML unsafely (B506)."""
import subprocess

import yaml


def rollback(release):
    return subprocess.call("kubectl rollout undo deployment/aurora --to-revision=" + release,
                           shell=True)


def load_plan(path):
    with open(path) as f:
        return yaml.load(f)
