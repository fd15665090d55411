"""The seed story (shared/seed, explained in DESIGN.md) as an incident-journal document.

Times are the blog's, in JST. Where the blog gives no time (the panel check, the first phone
call, the contact form), the event text says the time is approximate. Loading goes through
the JSON importer, so it is idempotent: the incidents carry fixed uids.
"""

from journal import portability

ONAMAE_NOTICE = (
    " サーバーサービス 不具合のお知らせ\n"
    "\n"
    "お名前.comレンタルサーバーをご利用いただきまして、誠にありがとうございます。\n"
    "\n"
    "下記日時におきまして、一部サービスに障害が発生しておりました。\n"
    "ご利用のお客様には大変ご不便をおかけ致しましたことを深くお詫び\n"
    "申し上げます。\n"
    "\n"
    "\n"
    " 発生日時 : 2012年07月20日(金) 06時07分頃\n"
    " 復旧日時 : 2012年07月20日(金) 13時00分頃\n"
    " 対象   : VPS(KVM)ご利用の一部のお客様(cnode-a1104)\n"
    " 影響/詳細 : 収容サーバの高負荷により、VPSに接続ができない\n"
    "        障害が発生いたしました。\n"
    "        \n"
    "        本障害の復旧作業に伴いVPSの再起動を実施させて\n"
    "        いただいております。"
)

FREEBSD_SYSLOG = (
    "Jul 20 08:12:37 host sshd[1205]: Received signal 15; terminating.\n"
    "Jul 20 08:12:37 host kernel: Stopping cron.\n"
    "[...]\n"
    "Jul 20 08:12:38 host syslogd: exiting on signal 15\n"
    "Jul 20 08:39:19 host syslogd: restart\n"
    "Jul 20 08:39:19 host syslogd: kernel boot file is /boot/kernel/kernel\n"
    "Jul 20 08:39:19 host kernel: Copyright (c) 1992-2012 The FreeBSD Project.\n"
    "[...]\n"
    "Jul 20 09:59:18 host sshd[1201]: Received signal 15; terminating.\n"
    "Jul 20 09:59:18 host kernel: Stopping cron.\n"
    "Jul 20 09:59:18 host kernel: Stopping sshd.\n"
    "[...]\n"
    "Jul 20 09:59:19 host kernel: Waiting for PIDS: 1100\n"
    "Jul 20 09:59:19 host kernel: .\n"
    "Jul 20 09:59:19 host syslogd: exiting on signal 15\n"
    "Jul 20 12:33:10 host syslogd: restart\n"
    "Jul 20 12:33:10 host syslogd: kernel boot file is /boot/kernel/kernel\n"
    "Jul 20 12:33:10 host kernel: Copyright (c) 1992-2012 The FreeBSD Project.\n"
    "Jul 20 12:33:10 host kernel: Copyright (c) 1979, 1980, 1983, 1986, 1988, 1989, 1991, 1992, 1993, 1994\n"
)

SENDMAIL_LOG = (
    "Jul 19 16:53:10 server sm-mta[7174]: STARTTLS=server, relay=hoge.example.com [x.x.x.x], version=TLSv1/SSLv3, verify=FAIL, cipher=DHE-RSA-AES256-SHA, bits=256/256\n"
    "Jul 19 16:55:09 server sm-mta[7174]: STARTTLS: TLS cert verify: depth=0 /description=xxxxxxxxxxx/C=JP/CN=hoge.example.com/emailAddress=mail@example.com, state=0, reason=unsupported certificate purpose\n"
)

OPENSSL_PURPOSE = (
    "$ openssl x509 -noout -purpose -in hoge.example.com.pem\n"
    "Certificate purposes:\n"
    "SSL client : No\n"
    "SSL client CA : No\n"
    "SSL server : Yes\n"
    "SSL server CA : No\n"
    "Netscape SSL server : Yes\n"
    "Netscape SSL server CA : No\n"
    "S/MIME signing : No\n"
    "S/MIME signing CA : No\n"
    "S/MIME encryption : No\n"
    "S/MIME encryption CA : No\n"
    "CRL signing : No\n"
    "CRL signing CA : No\n"
    "Any Purpose : Yes\n"
    "Any Purpose CA : Yes\n"
    "OCSP helper : Yes\n"
    "OCSP helper CA : No\n"
)

JST = "+09:00"
VPS_OUTAGE_UID = "6f0a3c53-5b1e-4c1e-9a57-20120720a104"
CERT_DEFECT_UID = "3d7f1a2e-8c4b-4f0e-b5d1-20120719c1a5"


def _at(day: str, clock: str) -> str:
    return f"2012-07-{day}T{clock}{JST}"


def document() -> dict:
    return {
        "format": portability.FORMAT,
        "version": portability.VERSION,
        "providers": [
            {
                "name": "お名前.com",
                "url": "https://www.onamae-server.com/",
                "status_page_url": "",
                "notes": "VPS(KVM). Phone support 24 hours a day (compare Sakura: 10:00–18:00 on weekdays).",
                "support_channels": [
                    {
                        "channel": "phone",
                        "days": "mon,tue,wed,thu,fri,sat,sun",
                        "opens": None,
                        "closes": None,
                        "time_zone": "Asia/Tokyo",
                        "notes": "24-hour phone line",
                    },
                ],
            },
            {
                "name": "StartSSL",
                "url": "https://www.startssl.com/",
                "status_page_url": "",
                "notes": "Certificate authority. Support by contact form (its hours are not known).",
            },
        ],
        "services": [
            {
                "name": "VPS(KVM)",
                "provider": "お名前.com",
                "host": "host (FreeBSD), on cnode-a1104",
                "time_zone": "Asia/Tokyo",
                "is_trial": True,
                "started_on": "2012-07-01",
                "notes": "Free trial in July 2012.",
            },
            {
                "name": "Class 1 certificate",
                "provider": "StartSSL",
                "host": "hoge.example.com",
                "time_zone": "Asia/Tokyo",
                "is_trial": False,
                "notes": "Used as Sendmail's client certificate (confCLIENT_CERT).",
            },
        ],
        "incidents": [_vps_outage(), _certificate_refused()],
    }


def _vps_outage() -> dict:
    return {
        "uid": VPS_OUTAGE_UID,
        "provider": "お名前.com",
        "service": "VPS(KVM)",
        "title": "VPS down twice while the host was overloaded",
        "kind": "outage",
        "status": "resolved",
        "resolved_at": None,
        "notes": (
            "The notice says 06:07–13:00; the server was really affected from 08:12. Both times the VPS "
            "went through a clean shutdown sequence (good for the file systems).\n\n"
            "During the outage the control panel (https://cp.myvps.jp/) would not connect the console "
            "and refused reboot, shutdown and power-off, while the server's status stayed **稼働中** "
            "(running). Later the panel refused to log in at all."
        ),
        "events": [
            {
                "at": _at("20", "08:12:00"),
                "type": "down",
                "source": "log",
                "text": "sshd[1205]: Received signal 15; terminating. — clean shutdown sequence",
            },
            {
                "at": _at("20", "08:39:00"),
                "type": "up",
                "source": "log",
                "text": "syslogd: restart; kernel boot file is /boot/kernel/kernel — booted",
            },
            {
                "at": _at("20", "08:56:00"),
                "type": "noticed",
                "source": "person",
                "text": "Noticed the server was back and started working.",
            },
            {
                "at": _at("20", "09:59:00"),
                "type": "down",
                "source": "log",
                "text": "sshd[1201]: Received signal 15; terminating. — shut down again",
            },
            {
                "at": _at("20", "10:05:00"),
                "type": "status_claimed",
                "source": "person",
                "text": "Control panel shows status 稼働中 (running); console does not connect; reboot, shutdown "
                "and power-off are not accepted. (Time approximate.)",
            },
            {
                "at": _at("20", "10:15:00"),
                "type": "action",
                "source": "support",
                "text": "Phoned support (24h line) with the member ID; told of the fault at once. (Time approximate.)",
            },
            {
                "at": _at("20", "10:30:00"),
                "type": "observation",
                "source": "person",
                "text": "Searched Twitter for 「お名前 VPS」: nothing. (Time approximate.)",
            },
            {
                "at": _at("20", "11:00:00"),
                "type": "observation",
                "source": "person",
                "text": "Control panel login now refused: 「ログインに失敗しました。ログインIDとパスワードをご確認ください。」 "
                "(Time approximate.)",
            },
            {
                "at": _at("20", "12:32:00"),
                "type": "action",
                "source": "support",
                "text": "Support phoned back unprompted: “I think it has recovered” — and asked whether we knew why "
                "the VM was slow to boot.",
            },
            {
                "at": _at("20", "12:33:00"),
                "type": "up",
                "source": "log",
                "text": "syslogd: restart; Copyright (c) 1992-2012 The FreeBSD Project. — booted",
            },
        ],
        "notices": [
            {
                "url": "http://www.onamae-server.com/support/news/detail.php?nid=12859",
                "retrieved_at": _at("20", "13:30:00"),
                "raw_text": ONAMAE_NOTICE,
                "claimed_start": _at("20", "06:07:00"),
                "claimed_end": _at("20", "13:00:00"),
                "approximate": True,
                "target": "VPS(KVM)ご利用の一部のお客様(cnode-a1104)",
                "cause": "収容サーバの高負荷 (host server under high load); VPS rebooted as part of the recovery.",
            },
        ],
        "support_contacts": [
            {
                "channel": "phone",
                "initiated_by": "user",
                "opened_at": _at("20", "10:15:00"),
                "first_response_at": _at("20", "10:15:00"),
                "resolved_at": _at("20", "10:20:00"),
                "ticket_ref": "",
                "summary": "Called the 24-hour line before reading the notice; gave the 7-digit member ID.",
                "outcome": "Told of the fault at once — about what the web notice says.",
                "helpfulness": 4,
            },
            {
                "channel": "phone",
                "initiated_by": "provider",
                "opened_at": _at("20", "12:32:00"),
                "first_response_at": _at("20", "12:32:00"),
                "resolved_at": _at("20", "12:40:00"),
                "ticket_ref": "",
                "summary": "Support called unprompted to say it had probably recovered, and asked "
                "whether we knew why the VM took so long to boot.",
                "outcome": "We had no idea; their effort to find the cause was impressive.",
                "helpfulness": 5,
            },
        ],
        "log_excerpts": [
            {
                "name": "messages (FreeBSD syslog, JST)",
                "uploaded_at": _at("20", "14:00:00"),
                "raw_text": FREEBSD_SYSLOG,
            },
        ],
    }


def _certificate_refused() -> dict:
    return {
        "uid": CERT_DEFECT_UID,
        "provider": "StartSSL",
        "service": "Class 1 certificate",
        "title": "Certificate refused as Sendmail client certificate",
        "kind": "defect",
        "status": "resolved",
        "resolved_at": _at("19", "17:45:00"),
        "notes": "`openssl x509 -noout -purpose` shows **SSL client : No**: a free Class 1 certificate "
        "cannot authenticate a client.\n\n```\n" + OPENSSL_PURPOSE + "```\n",
        "events": [
            {
                "at": _at("19", "16:53:10"),
                "type": "observation",
                "source": "log",
                "text": "sm-mta: STARTTLS=server, relay=hoge.example.com, verify=FAIL",
            },
            {
                "at": _at("19", "16:54:00"),
                "type": "action",
                "source": "person",
                "text": "Raised sendmail LogLevel from 9 to 14 and restarted sendmail.",
            },
            {
                "at": _at("19", "16:55:09"),
                "type": "observation",
                "source": "log",
                "text": "sm-mta: TLS cert verify: depth=0 … reason=unsupported certificate purpose",
            },
            {
                "at": _at("19", "17:05:00"),
                "type": "action",
                "source": "support",
                "text": "Asked StartSSL through the contact form. (Time approximate.)",
            },
        ],
        "notices": [],
        "support_contacts": [
            {
                "channel": "form",
                "initiated_by": "user",
                "opened_at": _at("19", "17:05:00"),
                "first_response_at": _at("19", "17:45:00"),
                "resolved_at": _at("19", "17:45:00"),
                "ticket_ref": "",
                "summary": "Can the certificate be used as a client certificate? (Times approximate: “answered quickly”.)",
                "outcome": "No: a client certificate needs a paid Class 2/3 certificate.",
                "helpfulness": 4,
            },
        ],
        "log_excerpts": [
            {"name": "maillog (sm-mta, JST)", "uploaded_at": _at("19", "17:00:00"), "raw_text": SENDMAIL_LOG},
        ],
    }


def load() -> dict[str, int]:
    """Add the seed story to the journal unless it is there already (or was deleted: a deleted
    seed is neither brought back nor its provider made again)."""
    from journal.models import Incident

    seeded = [VPS_OUTAGE_UID, CERT_DEFECT_UID]
    if Incident.all_objects.filter(uid__in=seeded, removed_at__isnull=False).exists():
        skipped = Incident.all_objects.filter(uid__in=seeded).count()
        return {"providers": 0, "services": 0, "incidents": 0, "incidents_skipped": skipped}
    return portability.import_document(document())
