from sdesk.cli import main

main()
