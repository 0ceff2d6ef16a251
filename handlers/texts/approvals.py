"""Texts of the reason prompt shared by requests, SOP files and recaps."""

REASON_EXPIRED = (
    "⌛ Permintaan alasan untuk {label} sudah kedaluwarsa (lebih dari {menit} menit), sehingga "
    "pesan Anda tidak dipakai sebagai alasan dan tidak ada yang diubah. Bila masih ingin "
    "memprosesnya, ketuk kembali tombol pada kartunya.")
REASON_EMPTY = "Alasan tidak boleh kosong. Tuliskan alasannya untuk {label}, atau kirim /batal."
REASON_CANCELLED = "Permintaan alasan untuk {label} diurungkan; tidak ada yang diubah."
