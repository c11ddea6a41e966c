"""Survey questionnaires and responses: XLSForm forms, KoboToolbox/ODK exports, the SIPAS form.

Khảo sát: bảng hỏi XLSForm, dữ liệu trả lời xuất từ KoboToolbox/ODK, bảng hỏi SIPAS.

Files in, plain data out — no database here. Estimation lives in `chiso.engine.survey`.
"""
