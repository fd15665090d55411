from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from journal.logs.suggest import Suggester


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2024, 3, 1, 10, 0, tzinfo=UTC) + timedelta(minutes=minute, seconds=second)


def run(lines, gap=timedelta(minutes=5)):
    """Feed lines as the importer does: detected ones, and any while a detection waits."""
    suggester = Suggester(gap)
    previous = None
    for number, (moment, rule, text) in enumerate(lines, start=1):
        if rule or suggester.waiting:
            suggester.feed(number, moment, rule, text, previous)
        if moment is not None:
            previous = (number, moment, text)
    return [(s.type, s.at, s.line, s.rule) for s in suggester.found]


def test_a_shutdown_sequence_and_a_boot_sequence_give_one_down_and_one_up():
    lines = [
        (at(0), "sigterm", "sshd: Received signal 15"),
        (at(0), "rc-stopping", "kernel: Stopping cron."),
        (at(0, 1), "syslogd-exiting", "syslogd: exiting on signal 15"),
        (at(27), "syslogd-restart", "syslogd: restart"),
        (at(27), "kernel-boot-file", "syslogd: kernel boot file is /boot/kernel/kernel"),
        (at(27), "", "kernel: ordinary"),
    ]
    assert run(lines) == [("down", at(0), 1, "sigterm"), ("up", at(27), 4, "syslogd-restart")]


def test_silence_ending_in_a_boot_is_a_down_from_the_last_line_before_it():
    lines = [(at(0), "", "cron: ok"), (at(1), "", "cron: ok"), (at(30), "linux-version", "kernel: Linux version 6")]
    suggester_found = run(lines)
    assert suggester_found == [("down", at(1), 2, "silence"), ("up", at(30), 3, "linux-version")]


def test_a_boot_after_a_short_gap_without_a_shutdown_is_not_a_down():
    assert run([(at(0), "", "x"), (at(2), "linux-version", "kernel: Linux version 6")]) == []


def test_a_boot_marker_without_a_time_takes_the_next_lines_time():
    lines = [
        (at(0), "system-rebooting", "System is rebooting."),
        (None, "journal-boot", "-- Reboot --"),
        (at(9), "", "kernel: first line"),
    ]
    assert run(lines) == [("down", at(0), 1, "system-rebooting"), ("up", at(9), 2, "journal-boot")]


def test_repeated_observations_are_suggested_once_per_gap():
    lines = [
        (at(0), "disk-error", "I/O error"),
        (at(1), "disk-error", "I/O error"),
        (at(2), "disk-error", "I/O"),
        (at(20), "disk-error", "I/O error"),
        (at(20), "oom-killer", "Out of memory: Killed process"),
    ]
    assert [(kind, line) for kind, _, line, _ in run(lines)] == [
        ("observation", 1),
        ("observation", 4),
        ("observation", 5),
    ]


def test_a_crash_is_a_down():
    assert run([(at(0), "kernel-panic", "Kernel panic")]) == [("down", at(0), 1, "kernel-panic")]


def test_a_daemon_stopping_while_the_host_writes_on_is_not_a_down():
    lines = [
        (at(0), "sigterm", "sshd: Received signal 15; terminating."),
        (at(0, 1), "", "sshd: Server listening on 0.0.0.0 port 22."),
        (at(7), "", "sshd: Accepted publickey for ops"),
        (at(40), "linux-version", "kernel: Linux version 6"),  # a later crash and boot, from line 3
    ]
    assert run(lines) == [("down", at(7), 3, "silence"), ("up", at(40), 4, "linux-version")]


def test_a_lone_daemon_stop_the_log_ends_in_is_not_a_down():
    assert run([(at(0), "", "x"), (at(1), "sigterm", "sshd: Received signal 15; terminating.")]) == []


def test_a_host_shutdown_the_log_ends_in_is_a_down_without_an_up():
    lines = [(at(0), "system-rebooting", "System is powering down."), (at(0, 2), "rsyslogd-exiting", "exiting")]
    assert run(lines) == [("down", at(0), 1, "system-rebooting")]


def test_the_logger_restarting_is_not_a_down_even_when_the_log_ends():
    lines = [(at(0), "rsyslogd-exiting", "exiting on signal 15"), (at(0, 1), "rsyslogd-start", "start")]
    assert run(lines) == []
    assert run([*lines, (at(9), "", "cron: ok")]) == []


def test_a_quick_reboot_needs_no_silence_when_the_shutdown_is_logged():
    lines = [
        (at(0), "systemd-shutdown-target", "systemd[1]: Reached target Shutdown."),
        (at(0, 40), "rsyslogd-start", "rsyslogd: start"),
        (at(0, 41), "linux-version", "kernel: Linux version 6"),
    ]
    assert run(lines) == [("down", at(0), 1, "systemd-shutdown-target"), ("up", at(0, 40), 2, "rsyslogd-start")]


def test_a_journal_boot_marker_and_the_kernel_banner_are_one_boot():
    lines = [
        (at(0), "systemd-shutdown-target", "systemd[1]: Reached target Shutdown."),
        (at(0, 1), "power-off", "kernel: reboot: Restarting system"),
        (None, "journal-boot", "-- Reboot --"),
        (at(1), "linux-version", "kernel: Linux version 6"),
        (at(1, 5), "systemd-startup", "systemd[1]: Startup finished in 2s"),
    ]
    assert run(lines) == [("down", at(0), 1, "systemd-shutdown-target"), ("up", at(1), 3, "journal-boot")]


def test_the_silence_before_a_boot_is_measured_from_the_hosts_last_line_not_the_loggers_start():
    lines = [
        (at(0), "", "cron: ok"),
        (at(300), "syslogd-restart", "syslogd 1.4.1: restart."),
        (at(300), "klogd-start", "kernel: klogd 1.4.1, log source = /proc/kmsg started."),
        (at(300, 1), "linux-version", "kernel: Linux version 2.6"),
    ]
    assert run(lines) == [("down", at(0), 1, "silence"), ("up", at(300), 2, "syslogd-restart")]


def test_a_loggers_hup_after_a_quiet_night_is_not_a_boot():
    assert run([(at(0), "", "sshd: closed"), (at(240), "syslogd-restart", "syslogd 1.4.1: restart.")]) == []


HOST_RULES = ["", "", "", "sigterm", "rc-stopping", "rsyslogd-exiting", "systemd-shutdown-target", "kernel-panic"]
HOST_RULES += ["syslogd-restart", "rsyslogd-start", "linux-version", "journal-boot", "systemd-startup", "oom-killer"]


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3600), st.sampled_from(HOST_RULES), st.booleans()),
        max_size=60,
    )
)
def test_downs_and_ups_alternate_each_up_after_its_down(steps):
    """Whatever the lines, the suggestions never say down, down or up, up, and never put an up
    before the down it ends."""
    moment, lines = at(0), []
    for seconds, rule, untimed in steps:
        moment += timedelta(seconds=seconds)
        if untimed and rule == "journal-boot":
            lines.append((None, rule, "-- Reboot --"))
        else:
            lines.append((moment, rule, f"line {rule}"))
    transitions = [(kind, when) for kind, when, _, _ in run(lines) if kind != "observation"]
    kinds = [kind for kind, _ in transitions]
    assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    assert kinds[:1] in ([], ["down"])
    for (kind, when), (_, next_when) in zip(transitions, transitions[1:], strict=False):
        if kind == "down":
            assert next_when >= when
