"""The demo agency: a district people's committee with about 150 people and every role.

`build_demo()` creates "UBND huyện Bình Xuyên" (code UBND-BX) once, deterministically
(seeded names, dates anchored on 1 January of the current year), and on later calls only
resets the demo logins' password. Structure and posts go through `services`; the bulk
of people and assignments is bulk-created with their history rows.

The ledger (`discipline.demo`) and the periods (`evaluation.demo`) tell the last
`MONTHS_SHOWN` months of the story with `past_months` and `clock`, and the commands
build them under `quiet_logs`.
"""

import logging
import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import clock as app_clock
from . import services
from .models import (
    Assignment,
    Cadence,
    Category,
    Employee,
    JobPosition,
    Organisation,
    PostKind,
    QuotaGroup,
    Role,
    StandardTask,
    WorkProduct,
    search_key,
)
from .vietnamese import name_sort_key

CODE = "UBND-BX"
NAME = "UBND huyện Bình Xuyên"
PASSWORD = "BinhXuyen@2026"
SEED = 2026
MONTHS_SHOWN = 6
"""Past months with a discipline ledger and published results."""

# code, name, parent code, staff size (leaders included), staff positions
UNITS = [
    ("UBND", "UBND huyện Bình Xuyên", None, 3, ["LDUB"]),
    ("VP", "Văn phòng HĐND và UBND huyện", "UBND", 13, ["TH", "TH", "VT", "KT", "HD"]),
    ("MC", "Bộ phận Một cửa", "VP", 9, ["MC"]),
    ("NV", "Phòng Nội vụ", "UBND", 11, ["TCCB", "TCCB", "TDKT"]),
    ("TCKH", "Phòng Tài chính - Kế hoạch", "UBND", 11, ["NS", "KH"]),
    ("TCKH-NS", "Tổ Quản lý ngân sách", "TCKH", 7, ["NS"]),
    ("TP", "Phòng Tư pháp", "UBND", 8, ["TP"]),
    ("TNMT", "Phòng Tài nguyên và Môi trường", "UBND", 10, ["MT", "DD"]),
    ("TNMT-DD", "Tổ Đất đai", "TNMT", 7, ["DD"]),
    ("KTHT", "Phòng Kinh tế - Hạ tầng", "UBND", 12, ["XD"]),
    ("VHTT", "Phòng Văn hóa - Khoa học và Thông tin", "UBND", 10, ["VH"]),
    ("GDDT", "Phòng Giáo dục và Đào tạo", "UBND", 13, ["GD"]),
    ("YT", "Phòng Y tế", "UBND", 9, ["YT"]),
    ("TT", "Thanh tra huyện", "UBND", 10, ["TTV"]),
    ("NN", "Phòng Nông nghiệp và Phát triển nông thôn", "UBND", 13, ["NN"]),
]
"""15 units in three levels, 146 people."""

# units without a head of their own: TNMT has an acting head, TNMT-DD none at all
ACTING_UNIT = "TNMT"
HEADLESS = {"TNMT", "TNMT-DD"}
DEPUTIES = {"UBND": 2, "VP": 1, "MC": 1, "NV": 1, "TCKH": 1, "TNMT": 1, "KTHT": 1, "GDDT": 1}
"""Deputies per unit: one where the unit has staff (they are all delegated to that deputy,
so the app's reading of a deputy's authority, the staff delegated to them, is the scenario
format's, the unit's non-leader staff, and the exported agency re-scores exactly); the
agency's two vice-chairs lead no staff of their own unit."""

# code, name, quota group, [(task, unit of measure, coefficient, planned, cadence)]
M, Q, Y = Cadence.MONTH, Cadence.QUARTER, Cadence.YEAR
DESK_TASK = "Trả kết quả giải quyết thủ tục hành chính"
POSITIONS = [
    (
        "LDUB",
        "Lãnh đạo UBND huyện",
        None,
        [
            ("Chủ trì họp giao ban, hội nghị", "cuộc họp", "1.5", "4", M),
            ("Ký ban hành văn bản chỉ đạo, điều hành", "văn bản", "0.5", "40", M),
            ("Tiếp công dân định kỳ", "buổi", "1", "2", M),
            ("Kiểm tra, làm việc tại cơ sở", "cuộc", "1.5", "3", M),
        ],
    ),
    (
        "LDP",
        "Lãnh đạo phòng, đơn vị",
        "Lãnh đạo phòng, đơn vị",
        [
            ("Xây dựng kế hoạch công tác tháng của đơn vị", "kế hoạch", "1.5", "1", M),
            ("Duyệt văn bản, hồ sơ trình lãnh đạo huyện", "văn bản", "0.5", "30", M),
            ("Đôn đốc, kiểm tra việc thực hiện nhiệm vụ của công chức", "lượt", "1", "4", M),
            ("Dự họp, hội nghị theo phân công", "cuộc", "0.5", "6", M),
            ("Báo cáo kết quả công tác quý", "báo cáo", "2", "1", Q),
        ],
    ),
    (
        "TH",
        "Chuyên viên tổng hợp",
        "Chuyên viên tham mưu tổng hợp",
        [
            ("Soạn thảo báo cáo tổng hợp tình hình kinh tế - xã hội", "báo cáo", "2", "2", M),
            ("Xây dựng chương trình công tác của UBND huyện", "chương trình", "1.5", "1", M),
            ("Theo dõi, đôn đốc thực hiện văn bản chỉ đạo", "văn bản", "0.5", "20", M),
            ("Chuẩn bị nội dung, tài liệu cuộc họp", "cuộc họp", "1", "4", M),
        ],
    ),
    (
        "VT",
        "Văn thư - Lưu trữ",
        "Chuyên viên tham mưu tổng hợp",
        [
            ("Tiếp nhận, vào sổ văn bản đến", "văn bản", "0.5", "300", M),
            ("Phát hành văn bản đi", "văn bản", "0.5", "200", M),
            ("Chỉnh lý, lập hồ sơ lưu trữ", "hồ sơ", "1", "20", M),
            ("Cấp bản sao tài liệu lưu trữ", "bản", "0.5", "10", M),
        ],
    ),
    (
        "KT",
        "Kế toán",
        "Chuyên viên tham mưu tổng hợp",
        [
            ("Lập chứng từ thanh toán", "chứng từ", "0.5", "60", M),
            ("Lập báo cáo tài chính quý", "báo cáo", "2", "1", Q),
            ("Quyết toán kinh phí hoạt động năm", "hồ sơ", "2", "1", Y),
        ],
    ),
    (
        "HD",
        "Nhân viên phục vụ (hợp đồng)",
        None,
        [
            ("Phục vụ xe công tác", "chuyến", "0.5", "20", M),
            ("Bảo vệ trụ sở cơ quan", "ca trực", "0.5", "22", M),
            ("Chuẩn bị phòng họp", "lượt", "0.5", "15", M),
        ],
    ),
    (
        "MC",
        "Tiếp nhận và trả kết quả thủ tục hành chính",
        "Bộ phận Một cửa",
        [
            ("Tiếp nhận hồ sơ thủ tục hành chính", "hồ sơ", "0.5", "120", M),
            ("Hướng dẫn tổ chức, công dân hoàn thiện hồ sơ", "lượt", "0.5", "60", M),
            (DESK_TASK, "hồ sơ", "0.5", "110", M),
            ("Số hóa hồ sơ, kết quả giải quyết", "hồ sơ", "0.5", "100", M),
            ("Cập nhật hồ sơ lên Cổng dịch vụ công", "hồ sơ", "0.5", "120", M),
        ],
    ),
    (
        "TCCB",
        "Chuyên viên tổ chức bộ máy, công chức",
        "Chuyên viên tham mưu tổng hợp",
        [
            ("Thẩm định đề án vị trí việc làm", "đề án", "2", "1", M),
            ("Tham mưu quyết định nâng lương, bổ nhiệm", "quyết định", "1", "6", M),
            ("Cập nhật cơ sở dữ liệu cán bộ, công chức", "hồ sơ", "0.5", "30", M),
            ("Tổng hợp kết quả đánh giá, xếp loại hằng tháng", "báo cáo", "1.5", "1", M),
        ],
    ),
    (
        "TDKT",
        "Chuyên viên thi đua, khen thưởng",
        "Chuyên viên tham mưu tổng hợp",
        [
            ("Thẩm định hồ sơ đề nghị khen thưởng", "hồ sơ", "1", "10", M),
            ("Xây dựng kế hoạch phát động phong trào thi đua", "kế hoạch", "1.5", "1", Q),
            ("Tổng hợp báo cáo công tác thi đua, khen thưởng", "báo cáo", "1", "1", M),
        ],
    ),
    (
        "NS",
        "Chuyên viên quản lý ngân sách",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định dự toán ngân sách", "dự toán", "2", "3", M),
            ("Thẩm tra quyết toán dự án hoàn thành", "hồ sơ", "2", "2", M),
            ("Báo cáo tình hình thu, chi ngân sách", "báo cáo", "1.5", "1", M),
            ("Kiểm soát hồ sơ đề nghị thanh toán", "hồ sơ", "0.5", "25", M),
        ],
    ),
    (
        "KH",
        "Chuyên viên kế hoạch - đầu tư",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định dự án đầu tư công", "dự án", "2", "2", M),
            ("Cấp giấy chứng nhận đăng ký hộ kinh doanh", "giấy chứng nhận", "0.5", "30", M),
            ("Báo cáo tiến độ giải ngân vốn đầu tư công", "báo cáo", "1", "1", M),
        ],
    ),
    (
        "TP",
        "Chuyên viên tư pháp - hộ tịch",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định dự thảo văn bản quy phạm pháp luật", "văn bản", "2", "2", M),
            ("Chứng thực bản sao, chữ ký", "việc", "0.5", "80", M),
            ("Giải quyết hồ sơ đăng ký, cải chính hộ tịch", "hồ sơ", "1", "15", M),
            ("Tổ chức phổ biến, giáo dục pháp luật", "buổi", "1.5", "2", M),
        ],
    ),
    (
        "MT",
        "Chuyên viên quản lý môi trường",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định kế hoạch bảo vệ môi trường", "hồ sơ", "1.5", "4", M),
            ("Kiểm tra cơ sở sản xuất, kinh doanh", "cuộc", "1", "3", M),
            ("Xử lý phản ánh về ô nhiễm môi trường", "vụ việc", "1", "3", M),
        ],
    ),
    (
        "DD",
        "Chuyên viên quản lý đất đai",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định hồ sơ cấp giấy chứng nhận quyền sử dụng đất", "hồ sơ", "1.5", "25", M),
            ("Giải quyết hồ sơ chuyển mục đích sử dụng đất", "hồ sơ", "1.5", "8", M),
            ("Kiểm tra hiện trạng sử dụng đất", "cuộc", "1", "4", M),
            ("Tham mưu giải quyết tranh chấp đất đai", "vụ việc", "2", "2", M),
        ],
    ),
    (
        "XD",
        "Chuyên viên quản lý xây dựng",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định hồ sơ cấp giấy phép xây dựng", "hồ sơ", "1.5", "12", M),
            ("Kiểm tra trật tự xây dựng", "cuộc", "1", "4", M),
            ("Thẩm định thiết kế công trình", "hồ sơ", "2", "3", M),
            ("Báo cáo quản lý hạ tầng giao thông", "báo cáo", "1", "1", M),
        ],
    ),
    (
        "VH",
        "Chuyên viên văn hóa - thông tin",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Thẩm định hồ sơ công nhận danh hiệu văn hóa", "hồ sơ", "0.5", "20", M),
            ("Kiểm tra hoạt động dịch vụ văn hóa", "cuộc", "1", "3", M),
            ("Biên tập tin, bài trên Trang thông tin điện tử", "tin bài", "0.5", "15", M),
            ("Tham mưu tổ chức sự kiện văn hóa, thể thao", "sự kiện", "2", "1", M),
        ],
    ),
    (
        "GD",
        "Chuyên viên quản lý giáo dục",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Kiểm tra chuyên môn tại trường học", "cuộc", "1.5", "4", M),
            ("Tổng hợp số liệu thống kê giáo dục", "báo cáo", "1", "1", M),
            ("Giải quyết hồ sơ chuyển trường", "hồ sơ", "0.5", "10", M),
            ("Tổ chức hội thi giáo viên dạy giỏi", "hội thi", "2", "1", Y),
        ],
    ),
    (
        "YT",
        "Chuyên viên y tế",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Kiểm tra an toàn thực phẩm", "cuộc", "1.5", "3", M),
            ("Tổng hợp báo cáo tình hình dịch bệnh", "báo cáo", "1", "4", M),
            ("Thẩm định hồ sơ hành nghề y, dược tư nhân", "hồ sơ", "1", "5", M),
        ],
    ),
    (
        "TTV",
        "Thanh tra viên",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Tiến hành cuộc thanh tra theo kế hoạch", "cuộc", "2", "1", M),
            ("Xác minh đơn khiếu nại, tố cáo", "vụ việc", "1.5", "3", M),
            ("Tiếp công dân thường xuyên", "buổi", "0.5", "8", M),
            ("Theo dõi việc thực hiện kết luận thanh tra", "kết luận", "1", "2", M),
            ("Kiểm tra công vụ đột xuất", "cuộc", "1.5", "1", M),
        ],
    ),
    (
        "NN",
        "Chuyên viên nông nghiệp",
        "Chuyên viên chuyên môn nghiệp vụ",
        [
            ("Hướng dẫn kỹ thuật sản xuất cho nông dân", "buổi", "1", "4", M),
            ("Kiểm tra vật tư nông nghiệp", "cuộc", "1", "3", M),
            ("Theo dõi phòng, chống dịch bệnh cây trồng, vật nuôi", "báo cáo", "1", "2", M),
            ("Thẩm định hồ sơ hỗ trợ phát triển sản xuất", "hồ sơ", "1.5", "6", M),
            ("Báo cáo tiến độ xây dựng nông thôn mới", "báo cáo", "1.5", "1", M),
        ],
    ),
]

FAMILY = (
    ["Nguyễn"] * 12
    + ["Trần"] * 5
    + ["Lê"] * 4
    + ["Phạm"] * 3
    + ["Hoàng", "Huỳnh", "Vũ"] * 2
    + [
        "Phan",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đào",
        "Đinh",
        "Lương",
        "Trịnh",
        "Mai",
        "Cao",
        "Tạ",
        "Khổng",
        "Triệu",
        "Kiều",
        "Hà",
    ]
)
MIDDLE = {
    "m": [
        "Văn",
        "Văn",
        "Đức",
        "Minh",
        "Quang",
        "Hữu",
        "Công",
        "Xuân",
        "Mạnh",
        "Thanh",
        "Ngọc",
        "Trọng",
        "Đình",
        "Tiến",
        "Duy",
        "Hoàng",
    ],
    "f": [
        "Thị",
        "Thị",
        "Thị",
        "Thu",
        "Thanh",
        "Ngọc",
        "Minh",
        "Phương",
        "Hồng",
        "Bích",
        "Thùy",
        "Kim",
        "Diệu",
        "Mai",
    ],
}
GIVEN = {
    "m": [
        "Anh",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Giang",
        "Hải",
        "Hiếu",
        "Hùng",
        "Huy",
        "Khánh",
        "Kiên",
        "Long",
        "Lực",
        "Mạnh",
        "Nam",
        "Nghĩa",
        "Phong",
        "Phúc",
        "Quân",
        "Sơn",
        "Tài",
        "Thắng",
        "Thành",
        "Thịnh",
        "Toàn",
        "Trung",
        "Tuấn",
        "Tùng",
        "Việt",
        "Vinh",
        "Vũ",
    ],
    "f": [
        "An",
        "Anh",
        "Châu",
        "Dung",
        "Giang",
        "Hà",
        "Hằng",
        "Hạnh",
        "Hiền",
        "Hoa",
        "Huệ",
        "Hương",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phượng",
        "Quyên",
        "Thảo",
        "Thủy",
        "Trang",
        "Tuyết",
        "Uyên",
        "Vân",
        "Xuân",
        "Yến",
    ],
}

LOGINS = [
    ("nhanvien", "Công chức (chuyên viên Phòng Tài chính - Kế hoạch)"),
    ("pho_phong", "Phó trưởng phòng (chấm điểm công chức được phân công)"),
    ("truong_phong", "Trưởng phòng Tài chính - Kế hoạch"),
    ("quyen_truong_phong", "Quyền trưởng phòng Tài nguyên và Môi trường"),
    ("chu_tich", "Chủ tịch UBND huyện (lãnh đạo cơ quan)"),
    ("thanh_tra", "Tổ kiểm tra công vụ (Thanh tra huyện)"),
    ("thanh_tra_vien", "Thành viên tổ kiểm tra (Thanh tra huyện)"),
    ("to_chuc", "Cán bộ tổ chức (Phòng Nội vụ)"),
    ("hoi_dong", "Thành viên Hội đồng thi đua khen thưởng"),
    ("mot_cua", "Cán bộ Bộ phận Một cửa"),
    ("admin", "Quản trị hệ thống"),
]
HEAD_LOGINS = {
    code: f"truong_{code.lower().replace('-', '_')}"
    for code, _name, _parent, _size, _positions in UNITS
    if code not in HEADLESS | {"UBND", "TCKH"}
}
"""Unit code → the login of its head, for every unit with a head of its own that the
logins above leave out (UBND is chu_tich's, TCKH truong_phong's): each unit can score
and submit its month, so the demo month can be taken through to publication."""
LOGINS += [
    (username, f"Trưởng đơn vị: {name}")
    for code, name, _parent, _size, _positions in UNITS
    if (username := HEAD_LOGINS.get(code))
]
"""(username, role description) of every demo login, in the order they are printed."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    full_name: str


@dataclass(frozen=True)
class DemoResult:
    organisation: Organisation
    created: bool
    logins: list[DemoLogin]
    password: str = PASSWORD


def past_months(today: date, count: int = MONTHS_SHOWN) -> list[tuple[int, int]]:
    """The `count` (year, month) pairs before `today`'s month, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append((year, month))
    return months[::-1]


@contextmanager
def clock(day: date, hour: int = 9, minute: int = 0) -> Iterator[datetime]:
    """Inside the block the product's clock (`hrsystem.clock`), and Django's, read `day` at
    `hour`:`minute` local time (never later than now), so services date their rows,
    history and messages on that day."""
    moment = min(timezone.make_aware(datetime.combine(day, time(hour, minute))), app_clock.now())
    # Django stamps `auto_now` fields and history rows from its own clock: point it at ours.
    with app_clock.fixed_at(moment), mock.patch("django.utils.timezone.now", new=app_clock.now):
        yield moment


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Keep the apps' operator logs (English, INFO) out of the demo commands' output;
    warnings still reach stderr."""
    loggers = [logging.getLogger(name) for name in ("hrsystem", "evaluation", "discipline")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Names:
    """Distinct Vietnamese full names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            sex = self.rng.choice("mf")
            name = _nfc(
                " ".join(
                    [
                        self.rng.choice(FAMILY),
                        self.rng.choice(MIDDLE[sex]),
                        self.rng.choice(GIVEN[sex]),
                    ]
                )
            )
            if name not in self.used:
                self.used.add(name)
                return name


def build_demo(*, today: date | None = None) -> DemoResult:
    """Create the demo agency if missing and (re)set the demo logins; returns the logins."""
    today = today or app_clock.today()
    with transaction.atomic():
        organisation = Organisation.objects.filter(code=CODE).first()
        created = organisation is None
        if created:
            organisation = _build(today.year)
        users = _logins(organisation)
    return DemoResult(organisation=organisation, created=created, logins=users)


def _logins(organisation: Organisation) -> list[DemoLogin]:
    """Give every demo login the demo password (one hash) and describe it."""
    user_model = get_user_model()
    password = make_password(PASSWORD)
    users = user_model.objects.filter(username__in=[name for name, _role in LOGINS])
    users.update(password=password, is_active=True)
    names = dict(Employee.objects.filter(user__in=users).values_list("user__username", "full_name"))
    return [
        DemoLogin(username=name, role=role, full_name=names.get(name, "")) for name, role in LOGINS
    ]


def positions_create(
    organisation: Organisation,
) -> tuple[dict[str, JobPosition], WorkProduct, dict[str, QuotaGroup | None]]:
    """The demo's job positions (`POSITIONS`) of `organisation`, in bulk: their quota groups,
    standing tasks and the one-stop desk's work product. Returns the positions by code, the
    desk's product and each position's quota group by code (shared with the province build).
    """
    groups = {
        name: QuotaGroup(organisation=organisation, name=name)
        for name in sorted({group for _c, _n, group, _t in POSITIONS if group})
    }
    QuotaGroup.objects.bulk_create(groups.values())
    positions = {
        code: JobPosition(organisation=organisation, code=code, name=name)
        for code, name, _group, _tasks in POSITIONS
    }
    JobPosition.objects.bulk_create(positions.values())
    # late one-stop dossiers count as delays of the desk's returning of results
    desk = services.work_product_create(
        organisation=organisation,
        code="MC-TKQ",
        name=DESK_TASK,
        unit_of_measure="hồ sơ",
        norm=Decimal("110"),
        coefficient=Decimal("0.5"),
        job_positions=[positions["MC"]],
        is_dossier_processing=True,
    )
    StandardTask.objects.bulk_create(
        StandardTask(
            job_position=positions[code],
            name=task,
            unit_of_measure=measure,
            coefficient=Decimal(coefficient),
            default_planned=Decimal(planned),
            cadence=cadence,
            work_product=desk if task == DESK_TASK else None,
        )
        for code, _name, _group, tasks in POSITIONS
        for task, measure, coefficient, planned, cadence in tasks
    )
    group_of = {code: groups.get(group) for code, _name, group, _tasks in POSITIONS}
    return positions, desk, group_of


def _build(year: int) -> Organisation:
    rng = random.Random(SEED)
    names = _Names(rng)
    jan1 = date(year, 1, 1)
    since = date(year - 1, 1, 1)  # rights cover every month the demo tells
    user_model = get_user_model()

    organisation = services.organisation_create(code=CODE, name=NAME)
    units = {}
    for code, name, parent, _size, _positions in UNITS:
        units[code] = services.unit_create(
            organisation=organisation, code=code, name=name, parent=units.get(parent)
        )

    positions, desk, group_of = positions_create(organisation)

    # people: per unit, the head first (unless headless), then deputies, then staff
    people: list[tuple[Employee, str, str, str]] = []  # employee, unit code, role, position
    number = 0
    for code, _name, _parent, size, staff_positions in UNITS:
        leaders = ([] if code in HEADLESS else ["head"]) + ["deputy"] * DEPUTIES.get(code, 0)
        for index in range(size):
            number += 1
            role = leaders[index] if index < len(leaders) else "staff"
            if code == "UBND":
                position = "LDUB"
            elif role != "staff":
                position = "LDP"
            else:
                position = staff_positions[index % len(staff_positions)]
            full_name = names()
            category = Category.CONG_CHUC
            if position == "HD":
                category = Category.HOP_DONG
            elif code in ("GDDT", "YT") and rng.random() < 0.3:
                category = Category.VIEN_CHUC
            employee = Employee(
                code=f"BX{number:04d}",
                full_name=full_name,
                search_name=search_key(f"{full_name} BX{number:04d}"),
                sort_key=name_sort_key(full_name),
                category=category,
                email=f"bx{number:04d}@binhxuyen.gov.vn",
                quota_group=group_of[position],
            )
            people.append((employee, code, role, position))
    bulk_create_with_history([person for person, *_rest in people], Employee)
    saved = {e.code: e for e in Employee.objects.filter(code__startswith="BX")}
    people = [(saved[person.code], *rest) for person, *rest in people]

    assignments = []
    for employee, code, _role, position in people:
        start = date(rng.randint(year - 12, year - 2), rng.randint(1, 12), 1)
        assignments.append(
            Assignment(
                employee=employee, unit=units[code], job_position=positions[position], start=start
            )
        )
    bulk_create_with_history(assignments, Assignment)

    by_unit: dict[str, dict[str, list[Employee]]] = {}
    for employee, code, role, _position in people:
        by_unit.setdefault(code, {}).setdefault(role, []).append(employee)
    for code, roles in by_unit.items():
        for role, kind in (("head", PostKind.HEAD), ("deputy", PostKind.DEPUTY)):
            for employee in roles.get(role, []):
                services.post_assign(employee=employee, unit=units[code], kind=kind, start=since)

    # the acting head of TNMT is one of its staff, for this calendar year
    acting = by_unit[ACTING_UNIT]["staff"][0]
    services.post_assign(
        employee=acting,
        unit=units[ACTING_UNIT],
        kind=PostKind.ACTING,
        start=jan1,
        end=date(year, 12, 31),
    )

    # a move between units at the start of this year keeps the old assignment as history;
    # on 1 January, so each year's months are all in one unit, as a scenario file says
    mover = by_unit["NN"]["staff"][-1]
    services.employee_transfer(
        employee=mover, unit=units["KTHT"], job_position=positions["XD"], start=jan1
    )

    login_people = {
        "nhanvien": by_unit["TCKH"]["staff"][0],
        "pho_phong": by_unit["TCKH"]["deputy"][0],
        "truong_phong": by_unit["TCKH"]["head"][0],
        "quyen_truong_phong": acting,
        "chu_tich": by_unit["UBND"]["head"][0],
        "thanh_tra": by_unit["TT"]["staff"][0],
        "thanh_tra_vien": by_unit["TT"]["staff"][1],
        "to_chuc": by_unit["NV"]["staff"][0],
        "hoi_dong": by_unit["VP"]["staff"][0],
        "mot_cua": by_unit["MC"]["staff"][0],
    } | {username: by_unit[code]["head"][0] for code, username in HEAD_LOGINS.items()}
    password = make_password(PASSWORD)
    for username, employee in login_people.items():
        user, _new = user_model.objects.get_or_create(
            username=username, defaults={"password": password}
        )
        employee.user = user
        employee.save(update_fields=["user"])
    admin, _new = user_model.objects.get_or_create(
        username="admin",
        defaults={"password": password, "is_staff": True, "is_superuser": True},
    )

    # each unit's deputy scores its staff (the acting head of TNMT excepted), named one by
    # one; the mover from the day they joined KTHT
    for code, roles in by_unit.items():
        for deputy in roles.get("deputy", []):
            for staff in roles.get("staff", []):
                if staff not in (acting, mover):
                    services.deputy_delegate(
                        deputy=deputy, staff=staff, unit=units[code], start=since
                    )
    services.deputy_delegate(
        deputy=by_unit["KTHT"]["deputy"][0], staff=mover, unit=units["KTHT"], start=jan1
    )

    grants = [
        ("thanh_tra", Role.INSPECTOR),
        ("thanh_tra_vien", Role.INSPECTOR),
        ("to_chuc", Role.HR_OFFICER),
        ("hoi_dong", Role.BOARD_MEMBER),
        ("mot_cua", Role.ONE_STOP_OFFICER),
    ]
    for username, role in grants:
        services.role_grant(
            role=role, organisation=organisation, employee=login_people[username], start=since
        )
    services.role_grant(role=Role.SYSTEM_ADMIN, organisation=organisation, user=admin, start=since)
    return organisation
