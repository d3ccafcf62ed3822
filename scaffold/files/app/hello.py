"""GET /hello."""


def greeting():
    return {"message": "hello"}
