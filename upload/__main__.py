from upload.cli import main

main()
