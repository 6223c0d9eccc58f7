"""What every app shares and that knows no app: text and phone numbers, numbers in Vietnamese, the web's small
parts (forms, uploads, drafts kept across an error), the audit trail, rate limits, spreadsheets, charts, images and
API tokens. Below every app in the house: nothing here imports one."""
