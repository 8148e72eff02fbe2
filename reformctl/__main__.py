from reformctl.cli import main

main()
