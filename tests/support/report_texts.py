"""Report texts more than one test module reads."""

# a web page's article, its authors at the end, then a rule and a notice with its own header
WEB_ARTICLE_AND_NOTICE = (
    "TRANG THÔNG TIN ĐIỆN TỬ BAN DÂN VẬN TỈNH ỦY LÂM ĐỒNG\nChuyên mục: Gương điển hình\n"
    "Cập nhật: 14/11/2024 08:35\n\nLÂM HÀ: ĐỒNG BÀO K'HO Ở PHI TÔ VƯƠN LÊN THOÁT NGHÈO\n\n"
    "Từ 18 hộ ban đầu, tổ hợp tác cà phê thôn Lâm Bô đã có 46 hộ thành viên.\n\n"
    "Theo bà Trần Thị Thu Hà, Trưởng Ban Dân vận Huyện ủy, mô hình được công nhận năm 2024.\n"
    "K'Thuần - Hoàng Yến\n\n-----\n\nĐẢNG BỘ TỈNH HÀ GIANG\nHUYỆN ỦY YÊN MINH\n*\n"
    "Số 148-TB/HU\nĐẢNG CỘNG SẢN VIỆT NAM\nYên Minh, ngày 09 tháng 10 năm 2024\n\nTHÔNG BÁO\n"
    "Kết luận tại buổi làm việc với Đảng ủy xã Du Già\n\nXã Du Già có 11 thôn với 1.024 hộ.\n"
)
