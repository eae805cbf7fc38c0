"""The shared contract between `render/`, `scenes/` and `upload/`.

The script model, the errors and problems, the scene job and the build manifest live
here so that no package has to import another one to talk to it. This package
imports only light libraries (pydantic), never `render`, `scenes` or `upload`.
"""
