from reformctl.cli import app

app(prog_name="reformctl")
