"""Problems (records with a place and a stable code) and the one fatal error type."""

# No `from __future__ import annotations` here, as in models.py: typing.NamedTuple would compile each of
# Problem's annotations, given as strings, into a ForwardRef on every start-up.

import functools
import os
import stat
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Stable codes, each listed in the README's code table (a test compares the two); a code is never reused.
# Each says in Japanese what is wrong and what to do, for an office fixing a draft (the README's table
# keeps an English line beside it).
CODES: dict[str, str] = {
    # files
    "KC001": "文字コードを読めないファイル（UTF-8、BOM付きUTF-8、CP932 以外）。UTF-8 で保存し直してください",
    "KC002": (
        "ファイルを読めない（ない、権限がない、リンクの循環）、"
        "またはフォルダの中を一覧できない。場所と権限を確かめてください"
    ),
    "KC003": (
        "通常のファイルではない（フォルダ、名前付きパイプ、デバイス、"
        "ソケット）。データのファイルと同じ名前のものを移してください"
    ),
    "KC004": "ファイルが大きすぎる（既定 64 MB。環境変数 KPICHECK_MAX_FILE_MB で変更可）。ファイルを分けてください",
    "KC005": (
        "kpicheck が読まない形式の表計算ファイル（.xls、.xlsb、.ods、.numbers、.et、または中身が .xls や"
        "テキストなのに名前が .xlsx のもの）。Excel などで .xlsx 形式で保存し直してください"
        "（中身が .xlsx で名前だけ .xls のものは、名前を .xlsx に戻してください）"
    ),
    "KC006": (
        "展開すると大きすぎる Excel ブック（中身の合計が KPICHECK_MAX_FILE_MB 超、100 倍を超える圧縮、"
        "XML の要素が多すぎる、共有文字列が上限（行の上限の 2 倍、少なくとも 200,000 個、平均 100 文字）を超える）。"
        "Excel で開き、不要なシートや書式を消して保存し直してください"
    ),
    "KC007": (
        "Excel ブックの行が上限を超える（既定 100,000 行目まで。環境変数 KPICHECK_MAX_ROWS で変更可）、"
        "または行のセルやシートの範囲が Excel の範囲を超える。遠くの行や列に残った書式や値を消して保存し直してください"
    ),
    # actuals CSV
    "KC101": "見出しの行がない、または必要な列（指標、年度、実績 など）がない。入力シートの見出しのまま使ってください",
    "KC102": "計画にない指標ID（近いIDを示します）。入力シートのIDのとおりに直してください",
    "KC103": "項目がない、または計画にない項目。入力シートの項目のとおりに直してください",
    "KC104": "年度を読めない（2027、2027年度、令和9年度 などで書いてください）",
    "KC105": "計画の期間外の年度。年度を直すか、該当する計画の実績として書いてください",
    "KC106": (
        "目標の種類に合わない実績（数値の目標に文字、100% 超、負の数、"
        "数式、計画にない段階の語など）。目標に合う形で書き直してください"
    ),
    "KC107": "同じ指標・項目・年度の実績が2回ある（別のファイルどうしも含む）。どちらか一方を消してください",
    "KC108": "基準日を読めない、またはその年度（4月〜翌年3月）の外の日付。日付を直してください",
    "KC109": (
        '見出しより列の多い行（カンマを含む値を「"」で囲んでいない）。値を引用符で囲むか、Excel で保存し直してください'
    ),
    "KC110": "actuals/ の下のフォルダ名が targets/ のどの市町村IDとも合わない。フォルダ名を市町村IDに直してください",
    "KC111": "警告: 目標のない年度の実績（読みますが判定しません）",
    "KC112": "警告: データの行がないファイル",
    "KC113": "CSV として読めない行（閉じていない引用符、128 KiB を超える値）。その行を直してください",
    "KC114": "plan の列に計画にない計画ID。targets/ の計画IDに直してください",
    "KC115": (
        "1つのファイルの問題が多すぎる（最初の 1,000 件を表示し、"
        "残りは件数だけ示します）。まず表示された誤りを直してください"
    ),
    "KC116": (
        "警告: 実績が空欄の行に備考・要因分析・課題・今後の方向性がある（報告書に載りません）"
        "。実績を書くか、実績のある行に書いてください"
    ),
    "KC117": (
        "actuals/<市町村ID>/ の下の、kpicheck が読まないフォルダ。ファイルを actuals/<市町村ID>/ の直下に移してください"
    ),
    "KC118": "actuals/<市町村ID> がフォルダではなくファイル。フォルダを作り、その中に実績ファイルを置いてください",
    "KC119": (
        "警告: 最初のシートが非表示または空のブック、または見出し行のあるシートが2枚以上あるブック"
        "（読んだシートと読まないシートの名前を示します）。入力シートを最初のシートにしてください"
    ),
    # targets TOML
    "KC201": "TOML の書き方の誤り（行と列を示します）。その位置の引用符・括弧・= を直してください",
    "KC202": "目標ファイルに必要なキーがない、または値の型が違う。docs/targets-format.md のとおりに書いてください",
    "KC203": (
        "目標のセルを読めない。計画書の文言のとおりか確かめ、"
        "読み方を宣言してください（README「How target cells are read」）"
    ),
    "KC204": "IDの重複。IDを1つずつ別にしてください",
    "KC205": "同じ市町村の計画の期間が重なっている。first_year と last_year を確かめてください",
    "KC206": "存在しない分野・取組・項目への参照。IDを確かめてください",
    "KC207": "計画にない段階の語。plan の phases か phase_aliases に加えてください",
    "KC208": "期限が日付として読めない、または計画の開始より前。R7末、2025-03-31 などの形で書いてください",
    "KC209": "targets/ の下の、市町村IDではない名前のフォルダ。英小文字・数字・-・_ の名前にしてください",
    "KC210": "警告: 目標ファイルの知らないキー（gradng のような打ち間違い。近いキーを示します）",
    "KC211": "目標のセル（または基準値）が 1,000 文字を超えている。計画の記載のとおりの短い文に直してください",
    "KC212": "NUL 文字を含む id（指標・分野・取組・項目・計画）。id を打ち直してください",
    # command line
    "KC301": "知らない市町村ID（targets/ の下のフォルダ名を指定してください）",
    "KC302": "その年度を含む計画がない。年度か --plan を確かめてください",
    "KC303": "知らない計画ID。kpicheck list で計画IDを確かめてください",
    "KC304": "コマンドの引数を読めない。kpicheck <コマンド> --help で書き方を確かめてください",
    "KC305": (
        "報告書のテンプレートが見つからない。"
        "--template のファイル名か、データのフォルダの templates/ を確かめてください"
    ),
    "KC306": "報告書のテンプレートの処理に失敗した。テンプレートを直してください",
    "KC307": (
        "出力先に書けない、または targets/ か actuals/ の中（書き込みを拒否します）。別の場所を -o で指定してください"
    ),
    "KC308": (
        "選んだ文字コードで書けない文字（CP932 にない文字を含むIDや名前）"
        "。--encoding を指定せず UTF-8 で書き出してください"
    ),
    "KC309": (
        "targets/<市町村ID> がフォルダではない（ファイル、リンク切れ、循環するリンクなど）"
        "。targets/<市町村ID>/ をフォルダにして、その中に計画ファイルを置いてください"
    ),
    "KC399": "予期しない内部エラー（--debug を付けて実行すると詳細が出ます）。開発者に知らせてください",
    # KPI tables (kpicheck import)
    "KC401": "import: KPI の表に 指標 の列がない。指標名の列の見出しを「指標」にしてください",
    "KC402": (
        "import: KPI の表に年度の列がない、または 30 年を超える。年度の列の見出しを 2026、令和8年度 などに"
        "してください（最初と最後の間の欠けた年度は警告: 目標なしとして下書き）"
    ),
    "KC403": "import: 同じものの列が2つある（同じ年度、指標 など）。一方を消してください",
    "KC404": "import: 表が空、または見出しの下に指標の行がない。1行目を見出し、2行目から1行に1指標にしてください",
    "KC405": (
        "import: PDF からの取り出しで文字化けした文字（(cid:1234)、U+FFFD、"
        "? の列）。Word・Excel の元ファイルか OCR から取り直してください"
    ),
    "KC406": "import 警告: kpicheck が読まない列（セルの内容は下書きのコメントに残します）",
    "KC407": (
        "import: 指標 が空なのにセルのある行（PDF の折り返しで分かれた行？）"
        "。下書きのコメントに残します。前の行とつないでください"
    ),
    "KC408": "import 警告: 目標のセルがすべて空の指標（見出しの行？）",
    "KC409": (
        "警告: import が推定した読み方が、目標ファイルでまだ review の印のまま。"
        "確かめてから印を消してください（docs/import-review-ja.md）"
    ),
    "KC410": "import 警告: 表の ID の列に同じ値がある。IDは分野・取組の階層から作り、印刷された値はコメントに残します",
    "KC411": (
        "1,000 文字を超えるセルを含む KPI 表（1つのセルにページを貼り付けた？）。表を直してから取り込んでください"
    ),
    "KC412": "KPI 表の ID のセルに NUL 文字がある（その行の id は作って付けます）。表の ID を打ち直してください",
    # the cache (warnings: a run goes on without it)
    "KC501": (
        "警告: キャッシュのフォルダが自分専用でない（他のユーザーのもの、他人が書き込める、リンク）。"
        "キャッシュを使わずに続けます（chmod 700 にするか KPICHECK_CACHE=off）"
    ),
    "KC502": (
        "警告: キャッシュのフォルダがデータのフォルダの中にある。"
        "キャッシュを使わずに続けます（XDG_CACHE_HOME を別の場所にしてください）"
    ),
    "KC503": (
        "警告: 受け付けないキャッシュのファイル（通常のファイルでない、大きすぎる、"
        "この利用者の kpicheck が書いたものでない）。読まずに消して作り直します"
    ),
    "KC504": (
        "警告: キャッシュのフォルダを作れない・読めない・書けない（ディスクが満杯、読み取り専用）。"
        "キャッシュを使わずに続けます"
    ),
}


class Problem(NamedTuple):
    """One thing wrong with an input file, at a place, with a stable code.

    A NamedTuple (ordered and hashable like the frozen dataclass it was, without the millisecond a
    dataclass costs every start-up).
    """

    path: str
    line: int | None
    column: int | None
    code: str
    message: str
    severity: Severity = Severity.ERROR
    # What the problem concerns, where one indicator's cell or row: `status` and `report` then show that
    # indicator as 評価不能 (for `year`, or every year when None) and every other one as usual.
    indicator: str = ""
    year: int | None = None
    # The place is a workbook's cell: shown as Excel names it (D8), which is what staff look for. `line`
    # and `column` stay numbers (validate --format json), so tools need not parse letters.
    workbook: bool = False

    @property
    def place(self) -> str:
        """path:line:column as far as known; in a workbook path:D8 (a row alone stays path:8)."""
        return place_text(self.path, self.line, self.column, workbook=self.workbook)

    def __str__(self) -> str:
        return f"{self.place}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The record as `validate --format json` prints it (the place, code, message and severity)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "severity": str(self.severity),
        }

    def about(self, indicator: str, year: int | None = None) -> "Problem":
        """The same problem, said to concern `indicator` (in `year`)."""
        return self._replace(indicator=indicator, year=year)


def place_text(path: str, line: int | None, column: int | None, *, workbook: bool = False) -> str:
    """A place as problems name it: path:line:column as far as known; in a workbook path:D8, as Excel
    names the cell (a row alone stays path:8)."""
    if line is None:
        return path
    if workbook and column is not None:
        return f"{path}:{column_letters(column)}{line}"
    return f"{path}:{line}" if column is None else f"{path}:{line}:{column}"


def column_letters(number: int) -> str:
    """A column's number (from 1) as Excel's letters: 1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class KpicheckError(Exception):
    """The one fatal error: carries the problems that stop a command (exit code 2)."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None) -> str:
    """A file as problems name it: relative to the data root when inside it, else as given."""
    if root is not None:
        try:
            shown = _posix_relative(str(path), str(root)) if _POSIX else None
            if shown is not None:
                return shown
            # The folder resolved, the name kept: a symlink is named as itself, not as what it points to.
            return str((_resolved(path.absolute().parent) / path.name).relative_to(_resolved(root.absolute())))
        except (ValueError, OSError, RuntimeError):  # outside the root, or a loop in the folders above
            pass
    return str(path)


@functools.lru_cache(maxsize=1024)  # every file of a folder names the same folder (summary: 1,741 cities)
def _resolved(folder: Path) -> Path:
    return folder.resolve()


# POSIX compares names as they are, which plain string operations can do; Windows folds case (pathlib).
_POSIX = os.name == "posix"


# More folders above a file than any data root has; a deeper path is named by pathlib.
DEEPEST = 200


def _posix_relative(path: str, root: str) -> str | None:
    """display_path's pathlib answer by string operations (issue 23: five a city, a national summary has
    1,741), or None where pathlib is left to decide (a path with "..", or starting with //).

    The paths are pathlib's strings, so already without "." parts, doubled or trailing slashes; made
    absolute as Path.absolute() does (the working folder before a relative path, ".." kept)."""
    full, base = _absolute(path), _absolute(root, folder=True)
    if full is None or base is None or any("/../" in f"{text}/" for text in (full, base)):
        return None  # a ".." is resolved against what the folder before it really is: pathlib's work
    if full.count("/") > DEEPEST:
        return None  # _real goes up a level per call: a folder this deep is pathlib's (no recursion limit)
    folder, _, name = full.rpartition("/")
    if not name:
        return None
    real = _real(folder or "/")
    named = f"{real}/{name}" if real != "/" else f"/{name}"
    top = _real(base)
    if named == top:
        return "."
    prefix = top if top == "/" else f"{top}/"
    if not named.startswith(prefix):
        raise ValueError(f"{path!r} is not in {root!r}")  # outside the root: shown as given
    return named[len(prefix) :]


def _absolute(text: str, *, folder: bool = False) -> str | None:
    """Path(text).absolute() as a str, or None where pathlib decides; `folder`: the root, whose "." is the
    working folder (a path of "." has no name to keep)."""
    if text.startswith("//"):  # POSIX leaves the meaning of // to the system: pathlib keeps it
        return None
    if text.startswith("/"):
        return text
    here = os.getcwd()  # noqa: PTH109 - a str, as Path.absolute() takes it
    if here.startswith("//") or (text == "." and not folder):  # a path of "." has no name: pathlib's own answer
        return None
    if text == ".":
        return here
    return f"{here}/{text}" if here != "/" else f"/{text}"


@functools.lru_cache(maxsize=1024)  # every folder above a city's is resolved once a run
def _real(folder: str) -> str:
    """Path(folder).resolve() of an absolute folder, a level at a time: the folder above through the
    cache, then one lstat; a folder that is no symbolic link is its parent's real path and its name,
    as realpath finds it. A link or the root itself is resolved by pathlib (no ".." comes here)."""
    parent, _, name = folder.rpartition("/")
    if not name:
        return str(Path(folder).resolve())
    above = _real(parent or "/")
    try:
        link = stat.S_ISLNK(os.lstat(folder).st_mode)
    except OSError:  # not there, or not searchable: realpath keeps the name as it is too
        link = False
    if link:
        return str(Path(folder).resolve())
    return f"{above}/{name}" if above != "/" else f"/{name}"


def usage_error(code: str, message: str, where: str = "kpicheck") -> KpicheckError:
    """A fatal error about the command line rather than a file."""
    return KpicheckError(Problem(where, None, None, code, message))
