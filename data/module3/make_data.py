"""Generate module 3's synthetic petition data (合成資料) with a fixed seed; the output is reproducible.

Run from the repository root: ``python data/module3/make_data.py``. It writes

- ``data/module3/petitions_text.csv`` and ``data/module3/vendor_predictions.csv`` (the lessons; 臺北市),
- ``source/module3_dev/petitions_train.csv``, ``petitions_test.csv`` (ids, district and text only:
  the held-out labels are returned by :func:`master_data` and inlined in the master's hidden tests) and
  ``vendor_predictions.csv`` (the graded assignment; 新北市, another seed, other phrases).

The text is free text, not templates: openers, times, places, typos, dropped punctuation and words shared
between agencies (噪音 for 環保局 and 警察局, 積水 for 工務局 and 衛生局, 停車 for 交通局 and 警察局,
餐廳 for 環保局 and 衛生局) and about 3% of mislabelled rows. Schema after data.taipei's petition dataset
(cb423c17-88eb-4231-a725-f1b93247d1bf): 案件編號, 案件主類別, 案件次類別, 受理機關, 受理日期 (ROC date).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

AGENCIES = {
    "交通局": ("交通運輸", "公車"),
    "工務局": ("工務建設", "路面"),
    "環境保護局": ("環境保護", "環境衛生"),
    "警察局": ("警政治安", "治安"),
    "衛生局": ("衛生醫療", "食品衛生"),
}
# Class mix: 衛生局 is the minority class.
WEIGHTS = {"交通局": 0.27, "工務局": 0.25, "環境保護局": 0.23, "警察局": 0.19, "衛生局": 0.06}

CITIES = {
    "taipei": {
        "prefix": "臺北市政府",
        "districts": ["中正區", "大同區", "中山區", "松山區", "大安區", "萬華區", "信義區", "士林區", "北投區",
                      "內湖區", "南港區", "文山區"],
        "roads": ["忠孝東路", "承德路", "民生東路", "南京東路", "和平東路", "中華路", "松仁路", "中山北路", "石牌路",
                  "內湖路", "研究院路", "木柵路", "羅斯福路", "基隆路", "康定路"],
        "shops": ["便當店", "早餐店", "小吃攤", "自助餐", "飲料店", "火鍋店"],
    },
    "newtaipei": {
        "prefix": "新北市政府",
        "districts": ["板橋區", "三重區", "中和區", "永和區", "新莊區", "新店區", "土城區", "蘆洲區", "汐止區",
                      "樹林區", "淡水區", "三峽區"],
        "roads": ["文化路", "重新路", "中山路", "永和路", "中正路", "北新路", "金城路", "長安街", "大同路",
                  "中華路", "民權路", "中央路", "環河路", "復興路"],
        "shops": ["麵店", "滷味攤", "便利商店", "燒烤店", "夜市攤位", "餐盒店"],
    },
    "keelung": {
        "prefix": "基隆市政府",
        "districts": ["仁愛區", "信義區", "中正區", "中山區", "安樂區", "暖暖區", "七堵區"],
        "roads": ["愛一路", "忠一路", "中正路", "義二路", "安樂路", "暖暖街", "明德一路", "北寧路"],
        "shops": ["海產店", "廟口攤位", "魚丸店", "鼎邊趖攤"],
        # Local phrases that the general (臺北市) corpus never uses: what adaptation has to learn.
        "local": {
            "交通局": ["往返八斗子的接駁車常常客滿", "港區周邊的號誌等太久", "客運轉乘碼頭的站牌不見了",
                      "雨天在坡道上的公車站沒有遮雨棚", "停車場的票卡機吃卡"],
            "工務局": ["山坡上的擋土牆出現裂縫", "階梯步道的扶手鬆脫", "雨後邊坡有落石", "地下道的排水孔堵住"],
            "環境保護局": ["漁港邊的魚腥味很重", "海邊被沖上來很多保麗龍", "清洗魚箱的污水直接排到港裡",
                          "貨櫃車經過揚起很多粉塵"],
            "警察局": ["港邊有人違規釣魚還吵架", "廟口附近常有人搶停車位起衝突", "夜市收攤後有人在騎樓滋事"],
            "衛生局": ["{shop}的生蠔吃了上吐下瀉", "{shop}的冰塊看起來不乾淨", "港邊攤販的生魚片沒有冷藏",
                      "{shop}的碗盤沒有洗乾淨"],
        },
    },
}

# Issue phrases per agency; {shop} and {road} are filled in. Several share words with another agency.
ISSUES = {
    "交通局": [
        "公車誤點快半小時", "公車司機過站不停", "站牌的到站資訊一直顯示錯誤", "紅綠燈秒數太短老人家走不完",
        "號誌燈故障一直閃黃燈", "路邊停車格太少停車很難", "停車收費單金額不對", "公車班次太少等很久",
        "捷運站出口的公車轉乘動線很亂", "YouBike站常常沒有車可以借", "路口標線不清楚車子亂切",
        "公車開太快乘客差點跌倒", "斑馬線前面的號誌被樹擋住", "停車場的收費機故障",
    ],
    "工務局": [
        "路面有一個大坑洞", "人孔蓋凸起機車騎過很危險", "人行道地磚破損好幾塊", "路燈不亮晚上很暗",
        "下雨後路面積水好幾天", "側溝堵塞一下雨就積水", "公園的溜滑梯壞掉了", "路面補丁凹凸不平",
        "騎樓前的人行道高低落差很大", "橋下的排水孔被落葉塞住", "公園步道的木棧板斷裂", "路燈忽明忽暗",
        "道路施工完沒有恢復原狀",
    ],
    "環境保護局": [
        "垃圾車沒有來收垃圾", "工地噪音從早上六點開始", "{shop}油煙味道很重", "有人在空地亂丟廢棄物",
        "水溝傳出很臭的異味", "資源回收的時間被改了", "冷氣室外機噪音很大", "空氣裡有燒東西的味道",
        "路邊堆了大型廢棄家具", "河邊有人傾倒廢土", "{shop}把廚餘倒進水溝", "廟會鞭炮煙霧太多",
    ],
    "警察局": [
        "有人違規停車擋住出入口", "深夜有人飆車噪音很大", "巷子裡有可疑人士徘徊", "接到詐騙電話想報案",
        "機車被偷了", "半夜有人在公園喝酒喧嘩", "紅線上違規停車很多", "有人在路口酒駕",
        "住家附近常有人打架", "車子被刮傷想調監視器", "有人長期佔用停車位放雜物", "夜市附近有人偷竊",
    ],
    "衛生局": [
        "在{shop}吃完東西拉肚子", "{shop}廚房有蟑螂", "診所收費不合理", "有人在公車站抽菸",
        "空地積水孳生蚊子擔心登革熱", "{shop}的食材看起來不新鮮", "醫院急診等候太久",
        "藥局賣來路不明的藥", "{shop}的員工沒有戴手套", "餐廳的衛生很差", "網路上有誇大療效的保健食品廣告",
        "{shop}販賣過期食品",
    ],
}
# A word from another agency sometimes appears in a sentence (overlap): e.g. a 警察局 case mentioning 公車.
OPENERS = ["", "", "您好，", "想反映一件事，", "我是附近居民，", "請問一下，", "市長好，", "不好意思，", "再次反映，"]
TIMES = ["", "", "昨天晚上", "這幾天", "每天早上", "上週開始", "最近", "今天下午", "連續三天", "假日"]
PLACES = ["{district}{road}附近", "{road}一帶", "{district}{road}", "{road}巷口", "住家附近的{road}", "{district}"]
CLOSERS = ["請盡快處理。", "希望改善。", "謝謝。", "已經反映很多次了。", "請派人來看看。", "", "麻煩了。",
           "希望市府重視。", "拜託處理。"]
FILLERS = ["真的很困擾", "大家都很擔心", "小孩上學經過", "里長也知道這件事", "之前也反映過", "鄰居都在抱怨"]
TYPOS = {"處理": "處裡", "已經": "以經", "垃圾": "拉圾", "希望": "希往", "附近": "付近", "反映": "反應", "機車": "機⾞"}


def _sentence(rng: random.Random, agency: str, city: dict, district: str) -> str:
    road = rng.choice(city["roads"])
    place = rng.choice(PLACES).format(district=district, road=road)
    pool = city["local"][agency] if "local" in city and rng.random() < 0.6 else ISSUES[agency]
    issue = rng.choice(pool).format(shop=rng.choice(city["shops"]), road=road)
    parts = [rng.choice(OPENERS), place, rng.choice(["，", "", "的"]), rng.choice(TIMES), issue]
    if rng.random() < 0.35:   # overlap: a phrase of another agency in the same text
        other = rng.choice([a for a in ISSUES if a != agency])
        parts += [rng.choice(["，而且", "，之前還有", "，不像上次"]),
                  rng.choice(ISSUES[other]).format(shop=rng.choice(city["shops"]), road=road)]
    if rng.random() < 0.4:
        parts += ["，", rng.choice(FILLERS)]
    parts += [rng.choice(["，", "", "。"]), rng.choice(CLOSERS)]
    text = "".join(parts)
    for right, wrong in TYPOS.items():          # noise: common typos
        if right in text and rng.random() < 0.15:
            text = text.replace(right, wrong, 1)
    if rng.random() < 0.3:                      # noise: punctuation dropped
        text = text.replace("，", "", 1)
    return text


def petitions(city_key: str, seed: int, n: int, split_date: tuple[int, int, int]) -> list[dict[str, str]]:
    rng = random.Random(seed)
    city = CITIES[city_key]
    agencies = list(WEIGHTS)
    rows = []
    for i in range(n):
        agency = rng.choices(agencies, weights=[WEIGHTS[a] for a in agencies])[0]
        district = rng.choice(city["districts"])
        month, day = rng.randint(6, 12), rng.randint(1, 28)
        text = _sentence(rng, agency, city, district)
        label = agency if rng.random() > 0.03 else rng.choice(agencies)   # ~3% label noise
        main, sub = AGENCIES[label]
        date = f"113/{month:02d}/{day:02d}"
        rows.append({"案件編號": f"113{month:02d}{day:02d}{i:05d}", "案件主類別": main, "案件次類別": sub,
                     "受理機關": city["prefix"] + label, "受理日期": date, "行政區": district, "陳情內容": text,
                     "資料集": "train" if (113, month, day) < split_date else "test"})
    return rows


def vendor(rows: list[dict[str, str]], seed: int, district_error: dict[str, float], class_error: dict[str, float],
           base_error: float) -> list[dict[str, str]]:
    """A vendor's predictions on the test rows: wrong with a probability that depends on district and class."""
    rng = random.Random(seed)
    labels = sorted({r["受理機關"] for r in rows})
    out = []
    for r in rows:
        agency = r["受理機關"].split("政府", 1)[1]
        p = base_error + district_error.get(r["行政區"], 0.0) + class_error.get(agency, 0.0)
        pred = r["受理機關"] if rng.random() > p else rng.choice([x for x in labels if x != r["受理機關"]])
        out.append({"案件編號": r["案件編號"], "行政區": r["行政區"], "受理機關": r["受理機關"], "廠商預測": pred})
    return out


def _write(path: Path, rows: list[dict[str, str]], fields: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in fields})


LESSON_FIELDS = ["案件編號", "案件主類別", "案件次類別", "受理機關", "受理日期", "行政區", "陳情內容", "資料集"]


def lesson_data() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows = petitions("taipei", 2024, 1400, (113, 10, 1))
    test = [r for r in rows if r["資料集"] == "test"]
    preds = vendor(test, 7, {"萬華區": 0.10, "北投區": 0.02}, {"衛生局": 0.18}, 0.05)
    return rows, preds


def master_data() -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """(train rows, test rows with labels — the labels go only into the hidden tests —, vendor predictions)."""
    rows = petitions("newtaipei", 3113, 1500, (113, 10, 1))
    train = [r for r in rows if r["資料集"] == "train"]
    test = [r for r in rows if r["資料集"] == "test"]
    # The vendor is scored on the agency's own acceptance set: other cases than the learner's test set,
    # so the vendor file (which carries the true agency) cannot be joined to petitions_test.csv.
    accept = petitions("newtaipei", 4242, 640, (113, 1, 1))
    for r in accept:
        r["案件編號"] = "V" + r["案件編號"]
    preds = vendor(accept, 11, {"三峽區": 0.14, "淡水區": 0.16, "樹林區": 0.05}, {"衛生局": 0.02}, 0.04)
    return train, test, preds


def agency_data() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Lesson 5: a small labelled set from another agency (基隆市) and its held-out set (labels kept in module3.py)."""
    rows = petitions("keelung", 5150, 560, (113, 9, 1))
    return rows[:160], rows[160:]


def main() -> None:
    rows, preds = lesson_data()
    _write(ROOT / "data/module3/petitions_text.csv", rows, LESSON_FIELDS)
    _write(ROOT / "data/module3/vendor_predictions.csv", preds, ["案件編號", "行政區", "受理機關", "廠商預測"])
    a_train, a_heldout = agency_data()
    _write(ROOT / "data/module3/agency_train.csv", a_train, ["案件編號", "陳情內容", "受理機關"])
    _write(ROOT / "data/module3/agency_heldout.csv", a_heldout, ["案件編號", "陳情內容"])
    train, test, vpreds = master_data()
    src = ROOT / "source/module3_dev"
    _write(src / "petitions_train.csv", train, ["案件編號", "行政區", "陳情內容", "受理機關"])
    _write(src / "petitions_test.csv", test, ["案件編號", "行政區", "陳情內容"])
    _write(src / "vendor_predictions.csv", vpreds, ["案件編號", "行政區", "受理機關", "廠商預測"])


# -- the graded assignment's other files ------------------------------------------------------------

# 合成資料: an imagined district office's service FAQ (not real procedures of any agency).
FAQ = [
    ("F01", "大型廢棄物清運", "大型家具或床墊不可放在垃圾車旁，請先撥打清潔隊專線預約，由清潔隊約定時間到府載運。"),
    ("F02", "資源回收分類", "寶特瓶、鐵鋁罐與紙容器請清洗壓扁後，於資源回收車到達時交給隨車人員，不要和一般垃圾混在一起。"),
    ("F03", "路燈故障報修", "發現路燈不亮或閃爍，請記下燈桿上的編號與地點，透過服務專線或線上表單報修，維修單位會派員檢修。"),
    ("F04", "道路坑洞通報", "路面坑洞或人孔蓋高低不平，請拍照並註明路名與門牌附近位置，經線上通報後由養護單位安排修補。"),
    ("F05", "路邊停車費繳納", "路邊停車單可在超商、線上支付或行動應用程式繳納，逾期未繳會加收工本費。"),
    ("F06", "公車路線與班次查詢", "公車路線、班次與即時到站時間可在公車動態資訊網站查詢，路線調整會事先公告。"),
    ("F07", "住宅噪音陳情", "夜間住宅或冷氣室外機噪音，可向環保單位陳情，稽查人員會到場量測音量並依規定處理。"),
    ("F08", "食品衛生檢舉", "吃到疑似不潔的食物或發現店家廚房衛生不佳，請保留收據與剩餘食物，向衛生單位檢舉以便稽查。"),
    ("F09", "登革熱孳生源清除", "住家內外的積水容器要每週倒掉並刷洗，空地積水可通報衛生單位派員清除孳生源。"),
    ("F10", "戶籍謄本申請", "戶籍謄本可由本人持身分證件到任一戶政事務所臨櫃申請，也可用自然人憑證線上申請。"),
    ("F11", "里民活動中心借用", "里民活動中心借用請於活動日前十四天向區公所提出申請，並說明活動性質與人數。"),
    ("F12", "低收入戶申請", "申請低收入戶須備妥全戶戶籍資料與財產證明，向戶籍所在地的區公所社會課提出。"),
]


def faq_rows() -> list[dict[str, str]]:
    return [{"編號": i, "主題": t, "內容": c} for i, t, c in FAQ]


def digit_scans() -> tuple[list[dict[str, str]], str]:
    """Agency scans of handwritten digits: sklearn's digits test split re-quantised to 0–255 as a scanner
    delivers them (white paper = 255, dark ink = 0) with scanner noise.

    Returns (rows with 編號 and 64 pixel columns, the labels as a string of digits in row order).
    """
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    _, X_test, _, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
    rng = np.random.default_rng(5)
    scans = np.clip(np.round(255 - X_test * 255 / 16 + rng.normal(0, 8, X_test.shape)), 0, 255).astype(int)
    rows = [{"編號": f"S{i:03d}", **{f"p{j}": str(v) for j, v in enumerate(row)}} for i, row in enumerate(scans)]
    return rows, "".join(str(int(v)) for v in y_test)


def main_master_extra() -> None:
    src = ROOT / "source/module3_dev"
    _write(src / "faq.csv", faq_rows(), ["編號", "主題", "內容"])
    rows, _labels = digit_scans()
    _write(src / "digit_scans.csv", rows, ["編號"] + [f"p{j}" for j in range(64)])
    _write(src / "injection_log.csv", injection_log(), ["編號", "類型", "擋下", "洩漏"])



def injection_log() -> list[dict[str, str]]:
    """The vendor's prompt-injection test log for the graded assignment (合成資料): 40 attacks, 20 normal questions."""
    rng = random.Random(12)
    rows = []
    for i in range(40):
        blocked = i not in (3, 17, 29, 35)      # 36 of 40 attacks blocked; the other 4 answered without leaking
        rows.append({"編號": f"A{i + 1:02d}", "類型": "攻擊", "擋下": "是" if blocked else "否", "洩漏": "否"})
    for i in range(20):
        rows.append({"編號": f"B{i + 1:02d}", "類型": "正常", "擋下": "是" if i == 11 else "否", "洩漏": "否"})
    rng.shuffle(rows)
    return rows


if __name__ == "__main__":
    main()
    main_master_extra()
