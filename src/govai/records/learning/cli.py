"""`govai records`: xAPI statements, learning-hour exports, completion badges, erasing a learner."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="動作 action", required=True)

    def common(p: argparse.ArgumentParser, learner: bool = True) -> None:
        if learner:
            p.add_argument("--learner", required=True, help="學員代號 / learner id")
        p.add_argument("--db", default=None, help="結果資料庫（預設 var/results.sqlite） / results database")

    p = sub.add_parser("xapi", help="產生 xAPI 1.0.3 學習紀錄（JSON Lines）；設定 GOVAI_LRS_URL 時並送至 LRS "
                                    "/ write xAPI statements (and send them to the configured LRS)")
    common(p)
    p.add_argument("--progress", type=Path, default=None, help="學員進度檔（預設 $GOVAI_HOME/progress.sqlite）")
    p.add_argument("--out", type=Path, default=None, help="輸出檔（預設 $GOVAI_HOME/records/statements.jsonl）")
    p.add_argument("--no-send", action="store_true",
                   help="設定了 GOVAI_LRS_URL 也不送出 / do not send even when an LRS is configured")

    p = sub.add_parser("hours", help="匯出學習時數（CSV、Excel；欄位依範本） / learning-hour export")
    common(p, learner=False)
    p.add_argument("--learner", action="append", default=None, help="只匯出這些學員（可重複） / only these learners")
    p.add_argument("--roster", type=Path, default=None,
                   help="名冊 CSV（learner, national_id, name, agency；身分證字號只以雜湊輸出）")
    p.add_argument("--template", type=Path, default=None, help="欄位範本 YAML（預設見 docs/learning-records.md）")
    p.add_argument("--out", type=Path, default=None, help="輸出資料夾（預設 $GOVAI_HOME/records/exports）")
    p.add_argument("--format", nargs="+", choices=["csv", "xlsx"], default=["csv", "xlsx"])

    p = sub.add_parser("badges", help="完成徽章（Open Badges 3.0）：簽發、驗證、撤銷 / completion badges")
    bsub = p.add_subparsers(dest="badge_action", required=True)
    b = bsub.add_parser("issue", help="為已完成的模組與路線簽發徽章 / issue badges")
    common(b)
    b = bsub.add_parser("verify", help="離線驗證徽章（JWT 或檔案） / verify a badge offline")
    b.add_argument("credential", help="徽章 JWT（掃描 QR code 所得）或其檔案路徑")
    b.add_argument("--status-list", type=Path, default=None, help="已簽署的撤銷清單檔（預設本機發行者的清單）")
    b = bsub.add_parser("revoke", help="撤銷徽章 / revoke a badge")
    b.add_argument("jti", help="徽章編號 urn:uuid:…")
    b.add_argument("--reason", default=None)
    bsub.add_parser("status-list", help="重新簽署撤銷清單（須在效期內重新發布） / re-sign the status list")

    p = sub.add_parser("forget", help="刪除學員的所有紀錄（成績、進度、xAPI、徽章、匯出） / erase a learner")
    common(p)
    p.add_argument("--progress", type=Path, default=None)
    p.add_argument("--lrs-dir", type=Path, default=None,
                   help="本機 ralph LRS 的資料夾：作廢後再從其檔案刪除 / purge the local LRS's file too")
    p.add_argument("--yes", action="store_true", help="確認刪除 / confirm")

    p = sub.add_parser("lrs", help="在本機啟動 ralph LRS（檔案後端） / run a local ralph LRS")
    p.add_argument("--dir", type=Path, required=True, help="LRS 資料夾（帳號與學習紀錄；勿放在程式庫內）")
    p.add_argument("--port", type=int, default=8100)
    p.add_argument("--user", default="govai")


def run(args: argparse.Namespace) -> int:
    if args.action == "xapi":
        from govai.records.learning import xapi

        statements = xapi.build(args.learner, args.db, progress_path=args.progress)
        path = xapi.write_file(args.learner, statements, args.out)
        print(f"已寫入 {len(statements)} 筆 xAPI 敘述 / statements written: {path}")
        lrs = None if args.no_send else xapi.LRS.from_env()
        if lrs is not None:
            try:
                print(f"LRS {lrs.endpoint}: {json.dumps(lrs.send(statements))}")
            except xapi.LRSError as exc:
                print(f"{exc}（紀錄已寫入檔案，可稍後重送 / the file is written; send again later）", file=sys.stderr)
                return 1
        return 0
    if args.action == "hours":
        from govai.records.learning import hours

        files = hours.export(args.db, out=args.out, learners=args.learner, roster=args.roster,
                             template=args.template, formats=tuple(args.format))
        for f in files:
            print(f)
        return 0
    if args.action == "badges":
        from govai.records.learning import badges

        if args.badge_action == "issue":
            for b in badges.issue(args.learner, args.db):
                print(f"{'新簽發' if b.issued_now else '已持有'}  {b.name}  {b.jti}  {b.path}")
            return 0
        if args.badge_action == "verify":
            from openbadgeslib.ob3 import OB3VerificationError

            text = args.credential
            try:
                is_file = Path(text).is_file()
            except OSError:          # a JWT is longer than a file name may be
                is_file = False
            if is_file:
                text = Path(text).read_text(encoding="utf-8")
            try:
                cred = badges.verify(text, args.status_list)
            except (OB3VerificationError, OSError, ValueError) as exc:
                print(f"✗ 驗證失敗 / not valid: {exc}")
                return 1
            print(f"✓ 有效 / valid: {cred.achievement.name}（{cred.issuer.name}，{cred.issuance_date}）")
            print(f"  {cred.achievement.description}")
            return 0
        if args.badge_action == "revoke":
            badges.revoke(args.jti, args.reason)
            print(f"已撤銷 / revoked: {args.jti}")
            return 0
        print(badges.publish_status_list())
        return 0
    if args.action == "forget":
        if not args.yes:
            print("請加上 --yes 確認刪除 / add --yes to confirm", file=sys.stderr)
            return 2
        from govai.records.learning import forget

        print(json.dumps(forget.forget(args.learner, args.db, progress_path=args.progress, lrs_store=args.lrs_dir),
                         ensure_ascii=False))
        return 0
    if args.action == "lrs":
        import os

        from govai import proc
        from govai.records.learning import lrs_server

        password = os.environ.get("GOVAI_LRS_PASSWORD") or os.urandom(12).hex()
        server = lrs_server.start(args.dir, user=args.user, password=password, port=args.port)
        print(f"LRS: {server.endpoint}（帳號 {args.user}；密碼取自 GOVAI_LRS_PASSWORD 或首次啟動時的 auth.json）")
        return proc.supervise(server.process)
    return 2
