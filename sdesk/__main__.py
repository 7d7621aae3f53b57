from sdesk.launch import main

main()
