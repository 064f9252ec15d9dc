"""Write services of the students app (HackSoft style: ``<entity>_<action>``)."""
