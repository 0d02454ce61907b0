from agencyref.cli import main

main()
