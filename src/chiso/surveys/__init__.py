"""Survey questionnaires and responses: XLSForm forms, KoboToolbox/ODK exports, the SIPAS form.

Khảo sát: bảng hỏi XLSForm, dữ liệu trả lời xuất từ KoboToolbox/ODK, bảng hỏi SIPAS.

The file readers (`xlsform`, `responses`, `sipas`) are plain Python, files in and data out; the
Django app (`models`, `services`, `views`) stores questionnaires, responses and results and feeds
the survey criteria of an assessment cycle. Estimation lives in `chiso.engine.survey`.
"""
